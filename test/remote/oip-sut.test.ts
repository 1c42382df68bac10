import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HrClock } from '../../harness/loadgen/clock.ts';
import { presetConfig } from '../../models/presets.ts';
import { generateWeights } from '../../models/weights/generate.ts';
import { createRuntime } from '../../models/runtimes/registry.ts';
import type { ScoringRuntime } from '../../models/runtimes/runtime.ts';
import { prepareRequestSamples } from '../../models/sut/samples.ts';
import { startOipServer, type RunningServer } from '../../server/app.ts';
import { hostRuntime } from '../../server/hosted-runtime.ts';
import { createInstancePool, type InstancePool } from '../../models/instances/pool.ts';
import { createOipSut } from '../../remote/oip-sut.ts';
import { createBodyBuilder } from '../../remote/request-bodies.ts';
import { VARIANTS } from '../../models/variants.ts';

const config = presetConfig('tiny');
const weights = generateWeights(config, { seed: 4 });
const plan = { count: 40, userId: Uint32Array.from({ length: 40 }, (_, i) => i % 7), candidates: Uint32Array.from({ length: 40 }, (_, i) => 1 + ((i * 5) % 17)) };
const samples = prepareRequestSamples(config, 4, plan);

describe('HTTP path vs in-process', () => {
  const runtimes: ScoringRuntime[] = [];
  const pools: InstancePool[] = [];
  const servers: RunningServer[] = [];
  beforeAll(async () => {
    for (const variant of VARIANTS) runtimes.push(await createRuntime('ort-cpu', weights, variant, { threads: 1 }));
    for (const variant of VARIANTS) {
      pools.push(await createInstancePool({ spec: { runtime: 'ort-cpu', variant, weights: { config, seed: 4 }, weightVariants: VARIANTS, options: { threads: 1 } } }));
    }
    const clock = new HrClock();
    // three replicas, each with its own user-state cache, like a small serving fleet
    for (let r = 0; r < 3; r++) {
      servers.push(await startOipServer({ port: 0, models: pools.map((pool) => hostRuntime({ pool, maxCandidates: 64, cache: { clock, limits: {} } })) }));
    }
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    for (const p of pools) await p.close();
    for (const r of runtimes) await r.dispose();
  });

  it('gives the same scores for the same requests as the in-process runtime, for every variant', async () => {
    for (const runtime of runtimes) {
      const received = new Map<number, Float32Array>();
      const sut = createOipSut({
        endpoints: [servers[0]!.url],
        modelName: runtime.variant,
        bodies: createBodyBuilder(samples, config.Fg),
        connections: 2,
        timeoutMs: 10_000,
        sendUserId: false,
        onScores: (index, scores) => received.set(index, scores),
      });
      let maxDiff = 0;
      for (let i = 0; i < plan.count; i++) {
        const completion = await sut.issue({ index: i, userId: plan.userId[i]!, candidates: plan.candidates[i]! });
        expect(completion.status).toBe('completed');
        const t = samples.get(i);
        const local = await runtime.score(t.userFeatures, t.groupFeatures);
        const remote = received.get(i)!;
        expect(remote.length).toBe(plan.candidates[i]);
        for (let n = 0; n < local.length; n++) maxDiff = Math.max(maxDiff, Math.abs(local[n]! - remote[n]!));
      }
      console.log(`${runtime.variant}: HTTP vs in-process max |diff| = ${maxDiff}`);
      expect(maxDiff).toBe(0); // float32 survives the JSON round trip exactly
      await sut.close();
    }
  });

  it('routes each user to one replica (sticky) so its cache hits there, and reports server timing', async () => {
    const sut = createOipSut({
      endpoints: servers.map((s) => s.url),
      modelName: 'ugsep',
      bodies: createBodyBuilder(samples, config.Fg),
      connections: 2,
      timeoutMs: 10_000,
      sendUserId: true,
    });
    const replicaOf = new Map<number, string>();
    const seen = new Set<number>();
    for (let i = 0; i < plan.count; i++) {
      const user = plan.userId[i]!;
      const completion = await sut.issue({ index: i, userId: user, candidates: plan.candidates[i]! });
      expect(completion.status).toBe('completed');
      expect(completion.replica).toBeDefined();
      if (replicaOf.has(user)) expect(completion.replica).toBe(replicaOf.get(user));
      replicaOf.set(user, completion.replica!);
      // first visit computes the user state, every later one finds it on the same replica
      expect(completion.cacheHit).toBe(seen.has(user));
      seen.add(user);
      expect(completion.serverComputeUs).toBeGreaterThan(0);
    }
    expect(new Set(replicaOf.values()).size).toBeGreaterThan(1);
    await sut.close();
  });

  it('counts errors per kind: http status, connection refused', async () => {
    const bodies = createBodyBuilder(samples, config.Fg);
    const wrongModel = createOipSut({ endpoints: [servers[0]!.url], modelName: 'nope', bodies, connections: 1, timeoutMs: 5000, sendUserId: false });
    expect(await wrongModel.issue({ index: 0, userId: 0, candidates: plan.candidates[0]! })).toMatchObject({ status: 'errored', error: 'http 404' });
    await wrongModel.close();
    const nobody = createOipSut({ endpoints: ['http://127.0.0.1:9'], modelName: 'ugsep', bodies, connections: 1, timeoutMs: 5000, sendUserId: false });
    expect(await nobody.issue({ index: 0, userId: 0, candidates: plan.candidates[0]! })).toMatchObject({ status: 'errored', error: 'connection ECONNREFUSED' });
    await nobody.close();
  });
});
