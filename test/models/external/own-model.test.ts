/**
 * A user's own ONNX model (issue 17), made by test/fixtures/own-model/generate.mjs without the
 * project's ONNX builder: scores under ugbench equal onnxruntime's own on the same inputs, the
 * split form with the cross-request cache skips the user graph on hits and equals the whole
 * model, and the cost read from the graph is exact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { HrClock } from '../../../harness/loadgen/clock.ts';
import { createInstancePool } from '../../../models/instances/pool.ts';
import { EXTERNAL_INSTANCE_MODULE } from '../../../models/external/instance-runtime.ts';
import { externalStateBytes, loadExternalModel } from '../../../models/external/model.ts';
import { createExternalOrtRuntime, featureShape } from '../../../models/external/ort-runtime.ts';
import { createInProcessSut } from '../../../models/sut/in-process.ts';
import { prepareRequestSamples } from '../../../models/sut/samples.ts';
// @ts-expect-error the fixture generator is plain JavaScript (no types)
import { FG, FU, writeOwnModel } from '../../fixtures/own-model/generate.mjs';

const dir = mkdtempSync(join(tmpdir(), 'own-model-'));
const paths = writeOwnModel(dir) as { whole: string; user: string; group: string };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const count = 20;
const plan = { count, userId: Uint32Array.from({ length: count }, (_, i) => i % 4), candidates: Uint32Array.from({ length: count }, (_, i) => 1 + ((i * 3) % 9)) };
const samples = prepareRequestSamples(featureShape(FU as number, FG as number), 3, plan);

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
};

/** onnxruntime directly, default session options: the scores ugbench must reproduce. */
async function directScores(): Promise<Float32Array[]> {
  const s = await ort.InferenceSession.create(paths.whole);
  const out: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const t = samples.get(i);
    const r = await s.run({ user_features: new ort.Tensor('float32', t.userFeatures, [1, FU]), group_features: new ort.Tensor('float32', t.groupFeatures, [t.groupFeatures.length / FG, FG]) });
    out.push(new Float32Array(r.scores!.data as Float32Array));
  }
  await s.release();
  return out;
}

// Tolerance: ugbench's sessions use graph optimization 'all' (fusions may reorder float sums);
// observed difference is printed. The negative control perturbs one score by 10x the tolerance.
const TOLERANCE = 1e-6;

describe('own ONNX model: scores equal onnxruntime run directly', () => {
  it('whole and split forms, in process, on the same inputs', async () => {
    const direct = await directScores();
    for (const spec of [{ name: 'ours', whole: paths.whole }, { name: 'ours-split', user: paths.user, group: paths.group }]) {
      const rt = await createExternalOrtRuntime(loadExternalModel(spec), { threads: 1 });
      let max = 0;
      for (let i = 0; i < count; i++) {
        const t = samples.get(i);
        max = Math.max(max, maxAbsDiff(await rt.score(t.userFeatures, t.groupFeatures), direct[i]!));
      }
      await rt.dispose();
      console.log(`${spec.name}: max |ugbench - onnxruntime| = ${max}`);
      expect(max).toBeLessThanOrEqual(TOLERANCE);
    }
    const perturbed = direct[0]!.slice();
    perturbed[0] = perturbed[0]! + 10 * TOLERANCE;
    const control = maxAbsDiff(perturbed, direct[0]!);
    console.log(`negative control: ${control}`);
    expect(control).toBeGreaterThan(TOLERANCE);
  });

  it('split model through model instances with the cache: hits skip the user graph, scores equal the whole model', async () => {
    const direct = await directScores();
    const model = loadExternalModel({ name: 'ours-split', user: paths.user, group: paths.group });
    const clock = new HrClock();
    const spec = {
      runtime: 'ort-cpu' as const,
      variant: 'ugsep' as const,
      weights: { config: featureShape(FU as number, FG as number), seed: 0 },
      weightVariants: [],
      options: {},
      factoryModule: EXTERNAL_INSTANCE_MODULE,
      factoryOptions: { model: { name: 'ours-split', user: paths.user, group: paths.group }, runtime: { threads: 1 } },
    };
    const pool = await createInstancePool({ spec, instances: 2, clock });
    try {
      expect(pool.split).toBe(true);
      const got: Float32Array[] = [];
      const sut = createInProcessSut({ pool, samples, cache: { clock, limits: {}, stateBytes: externalStateBytes(model) }, onScores: (i, s) => (got[i] = s) });
      const userPasses: number[] = [];
      for (let i = 0; i < count; i++) {
        const c = await sut.issue({ index: i, userId: plan.userId[i]!, candidates: plan.candidates[i]!, scheduledUs: 0 } as never);
        expect(c.status).toBe('completed');
        if (c.status === 'completed' && c.timingsUs?.userPassUs !== undefined) userPasses.push(i);
      }
      const stats = sut.cache!.stats();
      console.log(`cache: ${stats.hits} hits, ${stats.misses} misses, user graph ran ${userPasses.length} times for ${count} requests`);
      expect(stats.misses).toBe(4); // 4 distinct users
      expect(stats.hits).toBe(count - 4);
      expect(userPasses.length).toBe(stats.misses);
      let max = 0;
      for (let i = 0; i < count; i++) max = Math.max(max, maxAbsDiff(got[i]!, direct[i]!));
      console.log(`split + cache vs whole model direct: max diff ${max}`);
      expect(max).toBeLessThanOrEqual(TOLERANCE);
    } finally {
      await pool.close();
    }
  });
});

describe('own ONNX model: cost from the graph', () => {
  it('FLOPs and weight bytes of every MatMul / Gemm, affine in N, with provenance', () => {
    const whole = loadExternalModel({ name: 'ours', whole: paths.whole });
    // user: [1,8]x[8,4] = 64, [1,8]x[8,1] = 16; per candidate: Gemm 2*4*6 = 48, [.,4]x[4,1] = 8
    expect(whole.cost.computed.flops).toEqual({ perRequest: 80, perCandidate: 56 });
    // Wu 32 + wb 8 + Wg 24 + bg 4 + wo 4 floats
    expect(whole.cost.computed.weightBytes).toEqual({ perRequest: 4 * 72, perCandidate: 0 });
    expect(whole.costPartial).toEqual([]);
    expect(whole.affineInN).toBe(true);
    expect(whole.files[0]).toMatchObject({ role: 'whole', opset: 17, irVersion: 8, producer: 'own-model-fixture 1' });
    expect(whole.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const split = loadExternalModel({ name: 'ours-split', user: paths.user, group: paths.group });
    expect(split.cost.computed.flops).toEqual({ perRequest: 80, perCandidate: 56 });
    expect(split.cost.cached!.flops).toEqual({ perRequest: 0, perCandidate: 56 });
    expect(split.Fu).toBe(FU);
    expect(split.Fg).toBe(FG);
    expect(externalStateBytes(split)).toBe(4 * 5);
  });
});
