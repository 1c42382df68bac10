/**
 * The overload path (issue 21, goodput under overload): requests whose queue wait would exceed
 * their deadline are refused at once from the headers; a client that leaves while queued costs
 * no compute; the estimated wait comes from the running mean service time. A fake runtime whose
 * every computation waits for the test to let it finish: ordered by explicit signals, no timing
 * bounds.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createAdmission, isRejection, type Reservation } from '../../server/admission.ts';
import { startOipServer, type HostedModel } from '../../server/app.ts';
import { inferRequestJson } from '../../oip/protocol.ts';
import { admitFromHeaders, DEADLINE_HEADER, MAX_PACE_MS, MIN_PACE_MS } from '../../server/shed.ts';
import type { IncomingMessage } from 'node:http';

const Fu = 2;
const Fg = 2;
const body = JSON.stringify(inferRequestJson(new Float32Array(Fu), new Float32Array(Fg), Fg));

/** A fake slow runtime: computation i finishes when the test calls finish(i). */
function steppedModel(): HostedModel & { started: number; finish(i: number): void; whenStarted(n: number): Promise<void> } {
  const gates: Array<() => void> = [];
  const opened = new Set<number>();
  let onStart: (() => void) | undefined;
  const model = {
    name: 'stepped',
    platform: 'test',
    Fu,
    Fg,
    maxCandidates: 4,
    facts: {},
    started: 0,
    finish(i: number) {
      opened.add(i);
      gates[i]?.();
    },
    async whenStarted(n: number) {
      while (model.started < n) await new Promise<void>((resolve) => (onStart = resolve));
    },
    async infer(parsed: { candidates: number }) {
      const i = model.started++;
      onStart?.();
      if (!opened.has(i)) await new Promise<void>((resolve) => (gates[i] = resolve));
      return { scores: new Float32Array(parsed.candidates), cacheHit: null, evictions: 0 };
    },
  };
  return model;
}

const infer = (url: string, headers: Record<string, string> = {}): ReturnType<typeof request> =>
  request(`${url}/v2/models/stepped/infer`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

async function metric(url: string, name: string): Promise<number> {
  const text = await (await request(`${url}/metrics`)).body.text();
  return Number(new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setImmediate(resolve));
}

describe('refusal pacing', () => {
  it(`a full queue's 503 waits the estimated queue wait, at least ${MIN_PACE_MS} ms and at most ${MAX_PACE_MS} ms; a deadline refusal waits nothing`, async () => {
    let now = 0;
    const admission = createAdmission({ maxInFlight: 1, maxQueued: 0, nowMs: () => now });
    // a small declared body: paced and kept alive (a large one: refused at once, closed; below)
    const req = (headers: Record<string, string>): IncomingMessage => ({ headers: { 'content-length': '2048', ...headers } }) as unknown as IncomingMessage;
    const pace = (headers: Record<string, string> = {}): number => {
      const check = admitFromHeaders(admission, req(headers));
      return 'reservation' in check ? -1 : check.paceMs;
    };
    const fast = (await admission.acquire())!;
    now += 2; // a fast model: 2 ms of service
    fast();
    const busy = (await admission.acquire())!;
    // 2 ms of estimated wait: unpaced, a client without back-off would be refused 500 times a second
    expect(pace()).toBe(MIN_PACE_MS);
    now += 10_000; // that request took 10 s: the mean service time rises far past the cap
    busy();
    const slow = (await admission.acquire())!;
    expect(pace()).toBe(MAX_PACE_MS);
    const large = admitFromHeaders(admission, req({ 'content-length': String(10 * 2 ** 20) }));
    expect('reservation' in large ? 'admitted' : `${large.paceMs} ${large.headers.connection}`).toBe('0 close');
    const kept = admitFromHeaders(admission, req({}));
    expect('reservation' in kept ? 'admitted' : kept.headers.connection).toBeUndefined();
    slow();
    // a place in the queue, but the wait behind the request in flight is past a 1 ms deadline: refused at once
    const roomy = createAdmission({ maxInFlight: 1, maxQueued: 4, nowMs: () => now });
    const first = (await roomy.acquire())!;
    now += 10;
    first();
    const ahead = (await roomy.acquire())!;
    const check = admitFromHeaders(roomy, req({ [DEADLINE_HEADER]: '1' }));
    expect('reservation' in check ? 'admitted' : `${check.reason} ${check.paceMs}`).toBe('deadline 0');
    ahead();
  });
});

describe('admission: estimated wait, deadline, clients that leave', () => {
  it('estimates the wait from the running mean service time and the requests ahead', async () => {
    let now = 0;
    const admission = createAdmission({ maxInFlight: 1, maxQueued: 4, nowMs: () => now });
    expect(admission.estimatedWaitUs()).toBe(0);
    const release = (await admission.acquire())!;
    now += 10; // 10 ms of service
    release();
    expect(admission.meanServiceUs).toBe(10_000);
    const first = (await admission.acquire())!; // in flight
    const queued = admission.reserve()!; // one ahead of the next
    // a new request waits for the one in flight and the one queued: 2 x 10 ms
    expect(admission.estimatedWaitUs()).toBe(20_000);
    const refused = admission.admit(15_000);
    expect(isRejection(refused) && refused).toEqual({ reason: 'deadline', estimatedWaitUs: 20_000 });
    const admitted = admission.admit(25_000);
    expect(isRejection(admitted)).toBe(false);
    (admitted as Reservation).cancel();
    queued.cancel();
    first();
    expect(admission.queued).toBe(0);
  });

  it('a waiter whose signal aborts gives its place back and is never granted a slot; the next waiter is', async () => {
    const admission = createAdmission({ maxInFlight: 1, maxQueued: 4 });
    const running = (await admission.acquire())!;
    const gone = new AbortController();
    const leaving = admission.reserve()!.acquire(gone.signal);
    const staying = admission.reserve()!.acquire();
    expect(admission.queued).toBe(2);
    gone.abort();
    expect(await leaving).toBeUndefined();
    expect(admission.queued).toBe(1);
    running();
    const next = await staying;
    expect(typeof next).toBe('function');
    expect(admission.inFlight).toBe(1);
    next!();
    await admission.drained();
  });

  it('a full queue is refused with reason full', () => {
    const admission = createAdmission({ maxInFlight: 1, maxQueued: 0 });
    expect(admission.reserve()).toBeDefined();
    const refused = admission.admit();
    expect(isRejection(refused) && refused.reason).toBe('full');
  });
});

describe('the server on a fake slow runtime', () => {
  it(`${DEADLINE_HEADER}: a request whose estimated queue wait exceeds it gets 503 + Retry-After at once, counted`, async () => {
    const model = steppedModel();
    const server = await startOipServer({ models: [model], port: 0, maxInFlight: 1, maxQueued: 8 });
    try {
      model.finish(0);
      expect((await infer(server.url)).statusCode).toBe(200); // a first service time for the mean
      const held = infer(server.url); // computation 1: in flight until finish(1)
      await model.whenStarted(2);
      const res = await infer(server.url, { [DEADLINE_HEADER]: '0.000001' });
      const answer = (await res.body.json()) as { error: string };
      console.log(`deadline refusal: ${res.statusCode} ${answer.error}`);
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.headers.connection).toBe('keep-alive'); // a small body: the connection is kept (server/app.ts)
      expect(answer.error).toMatch(/^server: overloaded \(estimated queue wait \d+\.\d ms exceeds x-request-timeout-ms 0\.000001 ms\)$/);
      expect(model.started).toBe(2); // never computed
      expect(await metric(server.url, 'ugbench_rejected_requests_total{reason="deadline"}')).toBe(1);
      const bad = await infer(server.url, { [DEADLINE_HEADER]: 'soon' });
      expect(bad.statusCode).toBe(400);
      expect(((await bad.body.json()) as { error: string }).error).toBe(`header ${DEADLINE_HEADER}: expected a positive number of milliseconds, got "soon"`);
      model.finish(1);
      expect((await held).statusCode).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('a queued request whose client disconnects is dropped: never computed, its place freed, counted', async () => {
    const model = steppedModel();
    const server = await startOipServer({ models: [model], port: 0, maxInFlight: 1, maxQueued: 8 });
    try {
      const held = infer(server.url); // computation 0: in flight
      await model.whenStarted(1);
      const { hostname, port } = new URL(server.url);
      const socket = connect(Number(port), hostname, () => {
        socket.write(`POST /v2/models/stepped/infer HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      });
      socket.on('error', () => {});
      await until(async () => (await metric(server.url, 'ugbench_queue_depth')) === 1); // parsed and queued
      socket.destroy();
      await until(async () => (await metric(server.url, 'ugbench_rejected_requests_total{reason="client_gone"}')) === 1);
      expect(await metric(server.url, 'ugbench_queue_depth')).toBe(0);
      model.finish(0);
      expect((await held).statusCode).toBe(200);
      model.finish(1);
      expect((await infer(server.url)).statusCode).toBe(200);
      expect(model.started).toBe(2); // the held one and the last one; the dropped one never ran
    } finally {
      await server.close();
    }
  });
});
