/**
 * Scores through model instances (worker threads) equal the single-thread path exactly
 * (difference 0), for every variant and every runtime available here, with and without the
 * cross-request user cache. Runtimes that cannot run here are listed as skipped with the reason.
 */
import { describe, expect, it } from 'vitest';
import { HrClock } from '../../../harness/loadgen/clock.ts';
import { createInstancePool, type InstancePool } from '../../../models/instances/pool.ts';
import { presetConfig } from '../../../models/presets.ts';
import { RUNTIME_NAMES, createRuntime, runtimeUnavailableReason, type RuntimeName } from '../../../models/runtimes/registry.ts';
import { createInProcessSut } from '../../../models/sut/in-process.ts';
import { prepareRequestSamples } from '../../../models/sut/samples.ts';
import { VARIANTS, VARIANT_TRAITS } from '../../../models/variants.ts';
import { loadWeights } from '../../../models/weights/load.ts';
import { singleThreadScores } from './single-thread.ts';

const config = presetConfig('tiny');
const seed = 5;
const weightsSource = { config, seed };
const weights = loadWeights(weightsSource, VARIANTS);
// 24 requests of 6 users: repeats make cache hits, on whichever instance holds the state
const count = 24;
const plan = { count, userId: Uint32Array.from({ length: count }, (_, i) => (i * 7) % 6), candidates: Uint32Array.from({ length: count }, (_, i) => 1 + ((i * 5) % 11)) };
const samples = prepareRequestSamples(config, seed, plan);

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
};


async function pooledScores(pool: InstancePool, cached: boolean): Promise<{ scores: Float32Array[]; hits: number; instances: Set<string> }> {
  const scores: Float32Array[] = [];
  const sut = createInProcessSut({ pool, samples, onScores: (i, s) => (scores[i] = s), cache: cached ? { limits: {}, clock: new HrClock() } : undefined });
  const instances = new Set<string>();
  // issued all at once: both instances work, and hits queue for the instance that owns the state
  const completions = await Promise.all(Array.from({ length: count }, (_, index) => sut.issue({ index, userId: plan.userId[index]!, candidates: plan.candidates[index]! })));
  for (const c of completions) {
    expect(c.status).toBe('completed');
    expect(c.timingsUs?.serviceUs).toBeGreaterThan(0);
    expect(c.timingsUs?.queueUs).toBeGreaterThanOrEqual(0);
    if (c.tags?.instance) instances.add(c.tags.instance);
  }
  return { scores, hits: sut.cache?.stats().hits ?? 0, instances };
}

const available: RuntimeName[] = [];
const skipped: string[] = [];
for (const name of RUNTIME_NAMES) {
  const reason = await runtimeUnavailableReason(name);
  if (reason === undefined) available.push(name);
  else skipped.push(`${name}: ${reason}`);
}

describe('scores through instances equal the single-thread path', () => {
  if (skipped.length > 0) it.skip(`not available here: ${skipped.join('; ')}`, () => {});

  for (const name of available) {
    for (const variant of VARIANTS) {
      it(`${variant} on ${name}, 2 instances, without and with the user cache: diff 0`, async () => {
        const runtime = await createRuntime(name, weights, variant, { threads: 1 });
        const pool = await createInstancePool({ spec: { runtime: name, variant, weights: weightsSource, weightVariants: VARIANTS, options: { threads: 1 } }, instances: 2 });
        try {
          const whole = await pooledScores(pool, false);
          const wholeRef = await singleThreadScores(runtime, samples, plan, false);
          const wholeDiff = Math.max(...wholeRef.map((r, i) => maxAbsDiff(r, whole.scores[i]!)));
          expect(whole.instances.size).toBe(2);
          let line = `${variant}@${name}: no cache max |diff| = ${wholeDiff}`;
          expect(wholeDiff).toBe(0);
          if (VARIANT_TRAITS[variant].masked && runtime.userPass) {
            const cached = await pooledScores(pool, true);
            const cachedRef = await singleThreadScores(runtime, samples, plan, true);
            const cachedDiff = Math.max(...cachedRef.map((r, i) => maxAbsDiff(r, cached.scores[i]!)));
            // negative control: the group pass on another user's state is visibly different
            const wrongUser = await singleThreadScores(runtime, samples, plan, true, (u) => (u + 1) % 6);
            const controlDiff = Math.max(...wrongUser.map((r, i) => maxAbsDiff(r, cached.scores[i]!)));
            line += `, cache max |diff| = ${cachedDiff} (${cached.hits} hits), negative control (another user's state) = ${controlDiff.toExponential(2)}`;
            expect(cached.hits).toBe(count - 6);
            expect(cachedDiff).toBe(0);
            expect(controlDiff).toBeGreaterThan(1e-6);
          }
          console.log(line);
        } finally {
          await pool.close();
          await runtime.dispose();
        }
      }, 120_000);
    }
  }
});
