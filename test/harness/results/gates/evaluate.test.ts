import { describe, expect, it } from 'vitest';
import { evaluateThresholds } from '../../../../harness/results/gates/evaluate.ts';
import { thresholdsFromText } from '../../../../harness/results/gates/source.ts';
import { makeResults, makeRun } from '../results-fixture.ts';

// HDR histograms report the highest value equivalent to a bucket (0.1% precision): closeTo below.
const fill = (n: number, us: number) => Array.from({ length: n }, () => us);

const results = makeResults([
  makeRun({ variant: 'baseline', runtime: 'ort', latenciesUs: fill(100, 20_000), rps: 50 }),
  makeRun({ variant: 'ugsep', runtime: 'ort', latenciesUs: fill(100, 10_000), rps: 90, hitRate: 0.6, hitLatenciesUs: fill(60, 8_000), missLatenciesUs: fill(40, 12_000), dropped: 2 }),
  makeRun({ variant: 'ugsep', runtime: 'reference', latenciesUs: fill(100, 40_000), rps: 20, hitRate: 0.6,
    parity: { sampleFraction: 0.1, sampledRequests: 10, sampledCandidates: 1000, k: 10,
      vsReference: { against: 'ugsep@reference', maxAbsDrift: 0, meanAbsDrift: 0, topkOverlap: 1, kendallTau: 1 },
      vsBaseline: { against: 'baseline@reference', maxAbsDrift: 0.2, meanAbsDrift: 0.05, topkOverlap: 0.7, kendallTau: 0.8 } } }),
]);

function run(text: string) {
  return evaluateThresholds(results, thresholdsFromText(text, 't')).map((v) => ({ run: v.runId, value: v.value, pass: v.pass, note: v.note }));
}

describe('threshold evaluation', () => {
  it('a label that selects two runtimes judges each run separately', () => {
    // ugsep@ort dropped 2 of its 102 requests: over 1%, so its p99 is unbounded (harness/results/judge.ts)
    expect(run('p99_ms{variant=ugsep} < 25')).toEqual([
      { run: 'ugsep@ort', value: Infinity, pass: false, note: undefined },
      { run: 'ugsep@reference', value: expect.closeTo(40, 1), pass: false, note: undefined },
    ]);
  });
  it('a latency percentile the dropped requests do not reach keeps its value', () => {
    expect(run('p50_ms{variant=ugsep, runtime=ort} < 25')).toEqual([{ run: 'ugsep@ort', value: expect.closeTo(10, 1), pass: true, note: undefined }]);
  });
  it('speedup pairs runs on the same runtime, and fails when there is no partner', () => {
    const verdicts = run('speedup{variant=ugsep, vs=baseline, metric=p50} > 1.3');
    expect(verdicts[0]).toMatchObject({ run: 'ugsep@ort', value: expect.closeTo(2, 2), pass: true });
    expect(verdicts[1]).toMatchObject({ run: 'ugsep@reference', value: null, pass: false, note: 'no baseline run on runtime reference to compare with' });
    expect(run('speedup{variant=ugsep, runtime=ort, vs=baseline, metric=rps} >= 1.8')[0]).toMatchObject({ value: 1.8, pass: true });
  });
  it('speedup without a variant skips the vs variant itself', () => {
    expect(run('speedup{vs=baseline} > 1').map((v) => v.run)).toEqual(['ugsep@ort', 'ugsep@reference']);
  });
  it('counts, hit rate and cache-split latency', () => {
    expect(run('dropped == 0').map((v) => v.pass)).toEqual([true, false, true]);
    expect(run('hit_rate{variant=ugsep, runtime=ort} >= 0.5')).toEqual([{ run: 'ugsep@ort', value: 0.6, pass: true, note: undefined }]);
    expect(run('hit_rate{variant=baseline} >= 0.5')[0]).toMatchObject({ pass: false, note: 'run used no user-state cache' });
    expect(run('p50_ms{variant=ugsep, runtime=ort, cache=hit} < 9')[0]).toMatchObject({ value: expect.closeTo(8, 1), pass: true });
  });
  it('parity figures vs reference and vs baseline', () => {
    expect(run('score_drift{variant=ugsep, runtime=reference} < 0.01')[0]).toMatchObject({ value: 0, pass: true });
    expect(run('kendall_tau{variant=ugsep, runtime=reference, vs=baseline} > 0.9')[0]).toMatchObject({ value: 0.8, pass: false });
    expect(run('score_drift{variant=ugsep, runtime=ort} < 0.01')[0]).toMatchObject({ pass: false, note: 'run has no parity figures (parity sampling was off)' });
  });
  it('a threshold that matches no run fails', () => {
    expect(run('p99_ms{variant=ugsep-w8a16} < 25')).toEqual([{ run: null, value: null, pass: false, note: 'no run matches variant=ugsep-w8a16' }]);
  });
});
