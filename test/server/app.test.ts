import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { request } from 'undici';
import { startOipServer, type HostedModel, type RunningServer } from '../../server/app.ts';
import { inferRequestJson, scoresFromResponse } from '../../oip/protocol.ts';

const Fu = 4;
const Fg = 3;

/**
 * A model whose scores are easy to predict: sum of each candidate's features. A gated model holds
 * every request until the test calls `release()`, so tests order events by signals, not sleeps.
 */
function fakeModel(name: string, gated = false): HostedModel & { started: number; release(): void } {
  let open = !gated;
  const waiting: (() => void)[] = [];
  const model = {
    name,
    platform: 'test',
    Fu,
    Fg,
    maxCandidates: 8,
    facts: { runtime: 'fake' },
    started: 0,
    release(): void {
      open = true;
      for (const go of waiting.splice(0)) go();
    },
    async infer(parsed: { groupFeatures: Float32Array; candidates: number; userId: string | undefined }) {
      model.started++;
      if (!open) await new Promise<void>((go) => waiting.push(go));
      const scores = new Float32Array(parsed.candidates);
      for (let n = 0; n < parsed.candidates; n++) for (let i = 0; i < Fg; i++) scores[n]! += parsed.groupFeatures[n * Fg + i]!;
      return { scores, cacheHit: parsed.userId === undefined ? null : false, evictions: 0 };
    },
  };
  return model;
}

async function post(url: string, body: string | object) {
  const res = await request(`${url}/v2/models/fast/infer`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  return { status: res.statusCode, headers: res.headers, json: JSON.parse(await res.body.text()) };
}

const good = () => inferRequestJson(new Float32Array([1, 2, 3, 4]), new Float32Array([1, 1, 1, 2, 2, 2]), Fg, 'u1', 'req-1');

describe('OIP server', () => {
  let server: RunningServer;
  let slowModel: ReturnType<typeof fakeModel>;
  beforeAll(async () => {
    slowModel = fakeModel('slow', true);
    server = await startOipServer({ models: [fakeModel('fast'), slowModel], port: 0, bodyLimitBytes: 4096, maxInFlight: 1, maxQueued: 1 });
  });
  afterAll(async () => server.close());

  it('answers health, metadata and infer per the protocol', async () => {
    expect((await request(`${server.url}/v2/health/live`)).statusCode).toBe(200);
    expect((await request(`${server.url}/v2/health/ready`)).statusCode).toBe(200);
    const meta = JSON.parse(await (await request(`${server.url}/v2/models/fast`)).body.text());
    expect(meta.inputs).toEqual([
      { name: 'user_features', datatype: 'FP32', shape: [1, Fu] },
      { name: 'group_features', datatype: 'FP32', shape: [-1, Fg] },
    ]);
    expect(meta.outputs).toEqual([{ name: 'scores', datatype: 'FP32', shape: [-1] }]);
    const res = await post(server.url, good());
    expect(res.status).toBe(200);
    expect(res.json.id).toBe('req-1');
    expect(scoresFromResponse(res.json)).toEqual([3, 6]);
    expect(res.json.parameters.user_cache).toBe('miss');
    expect(res.json.parameters.compute_us).toBeGreaterThanOrEqual(0);
    expect(res.headers['server-timing']).toMatch(/queue;dur=.*compute;dur=/);
  });

  it('accepts nested row-major data as OIP allows', async () => {
    const body = good();
    body.inputs[1]!.data = [[1, 1, 1], [2, 2, 2]];
    expect(scoresFromResponse((await post(server.url, body)).json)).toEqual([3, 6]);
  });

  const malformed: Array<[string, () => unknown, RegExp]> = [
    ['bad JSON', () => '{"inputs": [', /^body: expected JSON/],
    ['NaN literal', () => '{"inputs": [{"name": "user_features", "data": [NaN]}]}', /^body: expected JSON/],
    ['not an object', () => [1, 2], /^body: expected an object/],
    ['wrong input name', () => ({ ...good(), inputs: [{ ...good().inputs[0], name: 'user' }, good().inputs[1]] }), /^inputs\[0\]\.name: expected "user_features" or "group_features", got "user"/],
    ['missing group input', () => ({ inputs: [good().inputs[0]] }), /^inputs: expected a tensor named "group_features"/],
    ['wrong user shape', () => ({ inputs: [{ ...good().inputs[0], shape: [1, 5] }, good().inputs[1]] }), /^inputs\[0\]\.shape: expected \[1, 4\], got \[1,5\]/],
    ['wrong dtype', () => ({ inputs: [good().inputs[0], { ...good().inputs[1], datatype: 'INT64' }] }), /^inputs\[1\]\.datatype: expected "FP32", got "INT64"/],
    ['data length mismatch', () => ({ inputs: [good().inputs[0], { ...good().inputs[1], data: [1, 2, 3] }] }), /^inputs\[1\]\.data: expected 6 values for shape \[2,3\], got 3/],
    ['string NaN value', () => ({ inputs: [good().inputs[0], { ...good().inputs[1], data: [1, 2, 'NaN', 4, 5, 6] }] }), /^inputs\[1\]\.data\[2\]: expected a finite number, got "NaN"/],
    ['empty candidate list', () => ({ inputs: [good().inputs[0], { ...good().inputs[1], shape: [0, 3], data: [] }] }), /^inputs\[1\]\.shape: expected at least 1 candidate, got 0 \(empty candidate list\)/],
    ['too many candidates', () => ({ inputs: [good().inputs[0], { ...good().inputs[1], shape: [9, 3], data: Array(27).fill(0) }] }), /^inputs\[1\]\.shape: expected at most 8 candidates, got 9/],
    ['bad user_id', () => ({ ...good(), parameters: { user_id: { a: 1 } } }), /^parameters\.user_id: expected a non-empty string/],
    ['unknown output asked for', () => ({ ...good(), outputs: [{ name: 'logits' }] }), /^outputs\[0\]\.name: expected "scores", got "logits"/],
    ['inputs not a list', () => ({ inputs: { user_features: [1] } }), /^inputs: expected an array of tensors/],
    ['nested deeper than the shape', () => ({ inputs: [good().inputs[0], { ...good().inputs[1], data: [[[1, 1, 1]], [[2, 2, 2]]] }] }), /^inputs\[1\]\.data: nested deeper than shape \[2,3\]/],
    // ragged rows whose values add up to the shape's count: 4 + 2 = 6 = 2 x 3
    ['ragged nested rows', () => ({ inputs: [good().inputs[0], { ...good().inputs[1], data: [[1, 1, 1, 2], [2, 2]] }] }), /^inputs\[1\]\.data\[0\]: expected 3 items \(shape \[2,3\]\), got 4: ragged nested data$/],
    ['a number beside nested rows', () => ({ inputs: [good().inputs[0], { ...good().inputs[1], data: [[1, 1, 1], 2] }] }), /^inputs\[1\]\.data\[1\]: expected an array of 3 items \(shape \[2,3\]\), got 2: ragged nested data$/],
  ];
  for (const [label, body, message] of malformed) {
    it(`400 for ${label}, naming the part; a healthy request succeeds after it`, async () => {
      const res = await post(server.url, body() as object);
      expect(res.status).toBe(400);
      expect(res.json.error).toMatch(message);
      const healthy = await post(server.url, good());
      expect(healthy.status).toBe(200);
      expect(scoresFromResponse(healthy.json)).toEqual([3, 6]);
    });
  }

  it('413 for an oversized body, 404 for unknown models, and keeps serving', async () => {
    const big = await post(server.url, 'x'.repeat(10_000));
    expect(big.status).toBe(413);
    expect(big.json.error).toMatch(/^body: expected at most 4096 bytes/);
    const unknown = await request(`${server.url}/v2/models/nope/infer`, { method: 'POST', body: '{}' });
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(await unknown.body.text()).error).toMatch(/^model: expected one of fast, slow, got "nope"/);
    expect((await post(server.url, good())).status).toBe(200);
  });

  it('503 with Retry-After past the queue limit, memory bounded', async () => {
    const slow = (): Promise<{ status: number; retryAfter: unknown }> =>
      request(`${server.url}/v2/models/slow/infer`, { method: 'POST', body: JSON.stringify(good()) }).then(async (r) => {
        await r.body.dump();
        return { status: r.statusCode, retryAfter: r.headers['retry-after'] };
      });
    const pending = [slow(), slow(), slow(), slow()];
    // release the computing request only once both rejections have been answered
    await vi.waitFor(async () => {
      const metrics = await (await request(`${server.url}/metrics`)).body.text();
      expect(metrics).toMatch(/ugbench_rejected_requests_total\{reason="overloaded"\} 2/);
    });
    slowModel.release();
    const results = await Promise.all(pending);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 503, 503]); // 1 computing + 1 queued, the rest rejected
    expect(results.find((r) => r.status === 503)!.retryAfter).toBe('1');
    const metrics = await (await request(`${server.url}/metrics`)).body.text();
    expect(metrics).toMatch(/ugbench_rejected_requests_total\{reason="overloaded"\} 2/);
    expect(metrics).toMatch(/ugbench_request_duration_seconds_bucket/);
    expect(metrics).toMatch(/ugbench_user_cache_misses_total\{model="fast"\} \d+/);
  });

  it('graceful close finishes in-flight requests and then stops', async () => {
    const held = fakeModel('slow', true);
    const own = await startOipServer({ models: [held], port: 0 });
    const inFlight = request(`${own.url}/v2/models/slow/infer`, { method: 'POST', body: JSON.stringify(good()) });
    await vi.waitFor(() => expect(held.started).toBe(1)); // the request is computing
    const closed = own.close();
    held.release();
    await closed;
    const res = await inFlight;
    expect(res.statusCode).toBe(200);
    expect(scoresFromResponse(await res.body.json())).toEqual([3, 6]);
    await expect(request(`${own.url}/v2/health/live`)).rejects.toThrow();
  });

  it('accepts requests written from the Open Inference Protocol specification, not only ugbench\'s client', async () => {
    // As the KServe v2 REST spec writes them: id, per-tensor parameters, requested outputs,
    // request parameters the server does not use, flat row-major data, charset in content-type.
    const specRequest = {
      id: '42',
      parameters: { user_id: 7, priority: 1 },
      inputs: [
        { name: 'group_features', shape: [2, 3], datatype: 'FP32', parameters: {}, data: [1, 1, 1, 2, 2, 2] },
        { name: 'user_features', shape: [1, 4], datatype: 'FP32', data: [0.5, 1.5, -2, 3e-2] },
      ],
      outputs: [{ name: 'scores', parameters: {} }],
    };
    const res = await request(`${server.url}/v2/models/fast/versions/1/infer`, {
      method: 'POST',
      body: JSON.stringify(specRequest),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.statusCode).toBe(200);
    const json = JSON.parse(await res.body.text());
    expect(json).toMatchObject({ model_name: 'fast', model_version: '1', id: '42' });
    expect(json.outputs).toEqual([{ name: 'scores', shape: [2], datatype: 'FP32', data: [3, 6] }]);
    // no content-type header at all, FP64 data, [Fu] user shape
    const bare = await request(`${server.url}/v2/models/fast/infer`, {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'user_features', shape: [4], datatype: 'FP64', data: [1, 2, 3, 4] }, { name: 'group_features', shape: [1, 3], datatype: 'FP64', data: [[1, 2, 3]] }] }),
    });
    expect(bare.statusCode).toBe(200);
    expect(scoresFromResponse(await bare.body.json())).toEqual([6]);
    // server metadata and model readiness endpoints of the spec
    expect((await request(`${server.url}/v2`)).statusCode).toBe(200);
    expect((await request(`${server.url}/v2/models/fast/ready`)).statusCode).toBe(200);
    expect((await request(`${server.url}/v2/models/fast/versions/1`)).statusCode).toBe(200);
  });
});
