/**
 * Shedding and bounds of the OIP server (issue 21 items 1, 2, 6): admission is decided from the
 * headers before the body is read; concurrent bodies share a server-wide memory budget; JSON
 * nesting is bounded; malformed percent-encoding is a counted 400. Ordered by explicit signals
 * (a model that computes until the test releases it), never by timing.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startOipServer, type HostedModel, type RunningServer } from '../../server/app.ts';
import { inferRequestJson } from '../../oip/protocol.ts';

const Fu = 2;
const Fg = 2;

/** Computes until released; counts computations started. */
function gatedModel(): HostedModel & { started: number; release(): void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const model = {
    name: 'gated',
    platform: 'test',
    Fu,
    Fg,
    maxCandidates: 4,
    facts: {},
    started: 0,
    release: () => open(),
    async infer(parsed: { candidates: number }) {
      model.started++;
      await gate;
      return { scores: new Float32Array(parsed.candidates), cacheHit: null, evictions: 0 };
    },
  };
  return model;
}

/** Send only the request line and headers (no body) and read the raw response. */
function headersOnly(url: string, path: string, contentLength: number): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`POST ${path} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${contentLength}\r\n\r\n`);
    });
    let text = '';
    socket.on('data', (d) => {
      text += d.toString('utf8');
      if (text.includes('\r\n\r\n') && /content-length: (\d+)/i.test(text)) {
        const length = Number(/content-length: (\d+)/i.exec(text)![1]);
        if (Buffer.byteLength(text.split('\r\n\r\n')[1] ?? '') >= length) socket.destroy();
      }
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

const body = JSON.stringify(inferRequestJson(new Float32Array(Fu), new Float32Array(Fg), Fg));

/** Start an upload: headers declaring `contentLength` and part of the body; the socket stays open. */
function startUpload(url: string, path: string, contentLength: number): Promise<{ socket: ReturnType<typeof connect>; received: () => string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(Number(port), hostname, () => {
      socket.write(`POST ${path} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-length: ${contentLength}\r\n\r\n{"inputs": [`, () => resolve({ socket, received: () => text }));
    });
    socket.on('data', (d) => (text += d.toString('utf8')));
    socket.on('error', () => {});
  });
}

describe('server-wide memory budget for request bodies', () => {
  it('a body that would take the budget past its capacity gets 503 + Retry-After + Connection: close before it is buffered', async () => {
    const model = gatedModel();
    model.release();
    const own = await startOipServer({ models: [model], port: 0, maxInFlight: 1, maxQueued: 10, bodyLimitBytes: 4096, bodyBudgetBytes: 3000 });
    try {
      const first = await startUpload(own.url, '/v2/models/gated/infer', 2000); // holds 2000 of 3000
      const second = await headersOnly(own.url, '/v2/models/gated/infer', 2000);
      expect(second).toMatch(/^HTTP\/1\.1 503/);
      expect(second).toMatch(/retry-after: 1/i);
      expect(second).toMatch(/connection: close/i);
      expect(second).toMatch(/memory budget for request bodies in use \(2000 of 3000 bytes held; this body 2000\+ bytes\)/);
      expect(first.received()).toBe(''); // the first upload is still being read, unanswered
      first.socket.destroy(); // its bytes go back to the budget
      await new Promise((r) => first.socket.once('close', r));
      await new Promise((r) => setImmediate(r));
      const ok = await request(`${own.url}/v2/models/gated/infer`, { method: 'POST', body });
      expect(ok.statusCode).toBe(200);
      await ok.body.dump();
      const metrics = await (await request(`${own.url}/metrics`)).body.text();
      expect(metrics).toMatch(/ugbench_rejected_requests_total\{reason="memory_budget"\} 1/);
    } finally {
      await own.close();
    }
  });
});

describe('OIP server under overload and hostile input', () => {
  let server: RunningServer;
  let model: ReturnType<typeof gatedModel>;
  beforeAll(async () => {
    model = gatedModel();
    server = await startOipServer({ models: [model], port: 0, maxInFlight: 1, maxQueued: 0, bodyLimitBytes: 4096, bodyBudgetBytes: 3000 });
  });
  afterAll(async () => {
    model.release();
    await server.close();
  });

  it('malformed percent-encoding answers 400 naming the path, counted in /metrics', async () => {
    const res = await request(`${server.url}/v2/models/%ZZ/infer`, { method: 'POST', body });
    expect(res.statusCode).toBe(400);
    expect((JSON.parse(await res.body.text())).error).toBe('path: malformed percent-encoding in "%ZZ"');
    const metrics = await (await request(`${server.url}/metrics`)).body.text();
    expect(metrics).toMatch(/ugbench_rejected_requests_total\{reason="bad_path"\} 1/);
  });

  it('JSON nested deeper than the bound is a 400 before parsing; brackets inside strings do not count', async () => {
    const deep = `{"inputs": ${'['.repeat(40)}${']'.repeat(40)}}`;
    const res = await request(`${server.url}/v2/models/gated/infer`, { method: 'POST', body: deep });
    expect(res.statusCode).toBe(400);
    expect((JSON.parse(await res.body.text())).error).toBe('body: expected JSON nested at most 32 levels deep, got deeper');
    // a valid request with 100 '[' inside a string passes the bound and starts computing (it
    // then holds the one compute place for the next test)
    const inString = JSON.stringify({ ...JSON.parse(body), id: '['.repeat(100) });
    void request(`${server.url}/v2/models/gated/infer`, { method: 'POST', body: inString }).then((r) => r.body.dump());
    await new Promise<void>((resolve) => {
      const poll = (): void => (model.started >= 1 ? resolve() : void setImmediate(poll));
      poll();
    });
  });

  it('with every instance busy and the queue full, 503 + Retry-After comes from the headers alone; a small declared body keeps the connection, a large one closes it', async () => {
    expect(model.started).toBe(1); // the previous test's request computes; the queue holds 0
    // headers only: the body is never sent, yet the answer arrives
    const raw = await headersOnly(server.url, '/v2/models/gated/infer', 1000);
    expect(raw).toMatch(/^HTTP\/1\.1 503/);
    expect(raw).toMatch(/retry-after: 1/i);
    expect(raw).toMatch(/connection: keep-alive/i); // the client's next request reuses it (no reconnect per refusal)
    expect(raw).toMatch(/every instance busy, queue full/);
    const large = await headersOnly(server.url, '/v2/models/gated/infer', 10 * 2 ** 20);
    expect(large).toMatch(/^HTTP\/1\.1 503/);
    expect(large).toMatch(/connection: close/i); // a 10 MiB body is never read: the connection goes
    const metrics = await (await request(`${server.url}/metrics`)).body.text();
    expect(metrics).toMatch(/ugbench_rejected_requests_total\{reason="overloaded"\} [1-9]/);
  });
});
