/**
 * A user's own ONNX model as scenario variants of `ugbench bench` (issue 17): the fixture's whole
 * and split models beside the built-in baseline, the split one with the user cache (forced hits).
 * The results carry them as variants with the graph's model facts and file provenance; the scores
 * they returned during the bench equal onnxruntime's own on the same inputs; a malformed model
 * exits 104 with one message naming the variant, graph and tensor.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import type { BenchResults } from '../../harness/results/contract.ts';
import { loadScenarioFile } from '../../harness/scenario/load.ts';
import { buildPlan } from '../../harness/loadgen/traffic/plan.ts';
import { featureShape } from '../../models/external/ort-runtime.ts';
import { prepareRequestSamples } from '../../models/sut/samples.ts';
import { runBench } from '../../cli/bench/run-bench.ts';
import { runCli } from './run-cli.ts';
// @ts-expect-error the fixture generator is plain JavaScript (no types)
import { FG, FU, encodeModel, wholeGraph, writeOwnModel } from '../fixtures/own-model/generate.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'bench-own-model-'));
const paths = writeOwnModel(join(dir, 'models')) as { whole: string; user: string; group: string };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// paths relative to the scenario file
const SCENARIO = `name: own
seed: 5
model: { preset: tiny }
variants: [baseline, { name: ours, onnx: { whole: models/whole.onnx } }, { name: ours-split, onnx: { user: models/user.onnx, group: models/group.onnx } }]
runtimes: [{ name: ort-cpu, threads: 1 }]
traffic:
  candidates: { distribution: uniform, min: 1, max: 16 }
  arrivals: { process: poisson, rateQps: 40 }
cache: { forcedHitRate: 0.5 }
run: { warmupS: 0.2, durationS: 1, minQueries: 5 }
`;
const scenarioPath = join(dir, 'own.yaml');
writeFileSync(scenarioPath, SCENARIO);

const TOLERANCE = 1e-6; // split vs whole: the same float32 ops, grouped in two graphs

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), a.length === b.length ? 0 : Infinity);

describe('ugbench bench with ONNX variants', () => {
  it('writes results with the own variants, graph facts, provenance and counted cache hits', () => {
    const out = join(dir, 'out');
    const r = runCli(['bench', scenarioPath, '--out', out, '--no-limits']);
    expect(r.stderr).not.toContain('Error');
    expect([0, 99]).toContain(r.status); // 99 only if the scenario's default gates fail on this shared machine
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    expect(results.runs.map((run) => run.id)).toEqual(['baseline@ort-cpu', 'ours@ort-cpu', 'ours-split@ort-cpu']);
    const [, ours, split] = results.runs;
    for (const run of [ours!, split!]) {
      expect(run.counts.completed).toBeGreaterThan(0);
      expect(run.counts.errored).toBe(0);
      expect(run.model!.traits.external).toBe(true);
      expect(run.model!.config).toEqual({ Fu: FU, Fg: FG });
      expect(run.cost!.flopsPerRequest).toBeGreaterThan(0);
    }
    expect(ours!.model!.onnxFiles!.map((f) => f.role)).toEqual(['whole']);
    expect(split!.model!.onnxFiles!.map((f) => f.role)).toEqual(['user', 'group']);
    expect(split!.model!.onnxFiles![0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ours!.userCache.used).toBe(false);
    expect(split!.userCache.used).toBe(true);
    console.log(`ours-split cache: ${split!.userCache.hits} hits, ${split!.userCache.misses} misses of ${split!.counts.completed}`);
    expect(split!.userCache.hits).toBeGreaterThan(0);
    expect(split!.userCache.hits + split!.userCache.misses).toBe(split!.counts.completed);
    // the paired phase saw them as variants, over the baseline
    expect(results.paired?.variants).toEqual(['baseline', 'ours', 'ours-split']);
  }, 120_000);

  it('scores equal onnxruntime direct on the same inputs (whole, and split with cache hits)', async () => {
    const scenario = loadScenarioFile(scenarioPath, { variants: undefined });
    const got = new Map<string, Map<number, Float32Array>>([['ours', new Map()], ['ours-split', new Map()]]);
    const results = await runBench({
      scenario: { ...scenario, variants: scenario.variants.filter((v) => typeof v !== 'string') },
      scenarioPath,
      root: ROOT,
      pairedPerBucket: 0,
      machine: { cpu: 'test' } as never,
      onOwnScores: (variant, index, scores) => got.get(variant)!.set(index, scores),
    });
    expect(results.runs.find((r) => r.variant === 'ours-split')!.userCache.hits).toBeGreaterThan(0);
    const samples = prepareRequestSamples(featureShape(FU, FG), scenario.seed, buildPlan(scenario));
    const session = await ort.InferenceSession.create(paths.whole);
    try {
      for (const [variant, scores] of got) {
        expect(scores.size).toBeGreaterThan(0);
        let max = 0;
        for (const [index, s] of scores) {
          const t = samples.get(index);
          const direct = await session.run({ user_features: new ort.Tensor('float32', t.userFeatures, [1, FU]), group_features: new ort.Tensor('float32', t.groupFeatures, [t.groupFeatures.length / FG, FG]) });
          const want = direct.scores!.data as Float32Array;
          max = Math.max(max, maxAbsDiff(s, want));
          // negative control: a score off by 10x the tolerance is caught
          const off = Float32Array.from(s);
          off[0] = off[0]! + 10 * TOLERANCE;
          expect(maxAbsDiff(off, want)).toBeGreaterThan(TOLERANCE);
        }
        console.log(`${variant} under ugbench bench vs onnxruntime direct (whole model): ${scores.size} requests, max diff ${max}`);
        expect(max).toBeLessThanOrEqual(TOLERANCE);
      }
    } finally {
      await session.release();
    }
  }, 120_000);

  it('a malformed model exits 104 naming the variant, graph and tensor', () => {
    const bad = join(dir, 'models', 'bad.onnx');
    writeFileSync(bad, encodeModel(wholeGraph({ user: 'user_features', group: 'candidates', scores: 'scores', state: 'user_state', bias: 'user_bias' })));
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, SCENARIO.replace('models/whole.onnx', 'models/bad.onnx'));
    const r = runCli(['bench', path, '--out', join(dir, 'bad-out')]);
    expect(r.status).toBe(104);
    console.log(r.stderr);
    expect(r.stderr).toContain('variant ours');
    expect(r.stderr).toContain('whole graph bad.onnx: input group_features: missing');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
