/**
 * `ugbench serve` with compute in model instances: while an instance's computation blocks its
 * worker thread, the server's thread still answers /v2/health/ready and rejects with 503 at
 * once. Ordered with explicit signals: the fake runtime blocks until the test releases it (at
 * most 20 s), and the shared gate counts computations finished, so "answered before the
 * computation ended" is checked, not timed.
 */
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { HrClock } from '../../harness/loadgen/clock.ts';
import { createInstancePool } from '../../models/instances/pool.ts';
import { inferRequestJson, scoresFromResponse } from '../../oip/protocol.ts';
import { startOipServer } from '../../server/app.ts';
import { hostRuntime } from '../../server/hosted-runtime.ts';
import { presetConfig } from '../../models/presets.ts';
import { GATE_FINISHED, fakeSpec, release, startedAtLeast } from '../models/instances/fake-runtime.ts';

const { Fu, Fg } = presetConfig('tiny'); // the fake runtime's shape
const body = JSON.stringify(inferRequestJson(new Float32Array(Fu), new Float32Array(2 * Fg).fill(0.5), Fg, undefined, 'slow-1'));

describe('OIP server over model instances', () => {
  it('a computation blocking its instance does not delay /v2/health/ready or a 503; /metrics shows the instance', async () => {
    const { gate, spec } = fakeSpec(20_000);
    const pool = await createInstancePool({ spec, instances: 1 });
    const server = await startOipServer({ models: [hostRuntime({ pool, maxCandidates: 8, cache: { clock: new HrClock(), limits: {} } })], port: 0, maxQueued: 0 });
    try {
      let slowAnswered = false;
      const slow = request(`${server.url}/v2/models/baseline/infer`, { method: 'POST', body }).then(async (r) => {
        slowAnswered = true;
        return { status: r.statusCode, json: JSON.parse(await r.body.text()) };
      });
      // the instance is computing (its worker thread is blocked); an early answer would be a failure
      await Promise.race([startedAtLeast(gate, 1), slow.then((a) => Promise.reject(new Error(`answered before computing: ${a.status} ${JSON.stringify(a.json)}`)))]);

      const ready = await request(`${server.url}/v2/health/ready`);
      expect(ready.statusCode).toBe(200);
      await ready.body.dump();
      expect(Atomics.load(gate, GATE_FINISHED)).toBe(0); // answered while the computation still runs

      const rejected = await request(`${server.url}/v2/models/baseline/infer`, { method: 'POST', body });
      expect(rejected.statusCode).toBe(503); // every instance busy, queue (0) full: rejected at once
      expect(rejected.headers['retry-after']).toBe('1');
      await rejected.body.dump();
      expect(Atomics.load(gate, GATE_FINISHED)).toBe(0);

      const metrics = await (await request(`${server.url}/metrics`)).body.text();
      expect(metrics).toMatch(/ugbench_instance_in_flight_requests\{model="baseline",instance="0"\} 1/);
      expect(metrics).toMatch(/ugbench_model_queue_depth\{model="baseline"\} 0/);
      expect(slowAnswered).toBe(false);

      release(gate);
      const answer = await slow;
      expect(answer.status).toBe(200);
      expect(scoresFromResponse(answer.json)).toEqual([4, 4]);
      expect(answer.json.parameters.compute_us).toBeGreaterThan(0);
      const after = await (await request(`${server.url}/metrics`)).body.text();
      expect(after).toMatch(/ugbench_instance_busy_seconds\{model="baseline",instance="0"\} [0-9.e-]+/);
      expect(after).not.toMatch(/ugbench_instance_busy_seconds\{model="baseline",instance="0"\} 0\n/);
    } finally {
      release(gate);
      await server.close(); // drains, then closes the pool
    }
  }, 60_000);

  it('SIGTERM-style close drains the in-flight request before the instances stop', async () => {
    const { gate, spec } = fakeSpec(20_000);
    const pool = await createInstancePool({ spec, instances: 1 });
    const server = await startOipServer({ models: [hostRuntime({ pool, maxCandidates: 8 })], port: 0 });
    const inFlight = request(`${server.url}/v2/models/baseline/infer`, { method: 'POST', body });
    await startedAtLeast(gate, 1);
    const closed = server.close();
    release(gate);
    const res = await inFlight;
    expect(res.statusCode).toBe(200);
    expect(scoresFromResponse(JSON.parse(await res.body.text()))).toEqual([4, 4]);
    await closed;
    expect(pool.stats()[0]!.completed).toBe(1);
  }, 60_000);
});
