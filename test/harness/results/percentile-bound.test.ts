/**
 * The percentile bound (harness/results/percentile-bound.ts) against a binomial computed here
 * independently in exact integer arithmetic; p99 never above the max; and the judge: a gate on
 * a percentile the run cannot support is INVALID (exit 98) with the count it needs.
 */
import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, recordUs, summarize } from '../../../harness/loadgen/histogram.ts';
import { thresholdsFromScenario } from '../../../harness/results/gates/source.ts';
import { judgeResults } from '../../../harness/results/judge.ts';
import { binomialCdf, percentileBound, requiredSamples, samplesAboveBound, unsupportedNote } from '../../../harness/results/percentile-bound.ts';
import { makeResults, makeRun } from './results-fixture.ts';

/** P(X <= k), X ~ Binomial(n, 1/d), as the exact fraction num / d^n (BigInt: no rounding anywhere). */
function exactCdf(k: number, n: number, d: bigint): { num: bigint; den: bigint } {
  let choose = 1n; // C(n, i)
  let num = 0n;
  for (let i = 0; i <= k; i++) {
    if (i > 0) choose = (choose * BigInt(n - i + 1)) / BigInt(i);
    num += choose * (d - 1n) ** BigInt(n - i);
  }
  return { num, den: d ** BigInt(n) };
}

/** exact P <= 1/100 */
const atMostOnePercent = (f: { num: bigint; den: bigint }): boolean => f.num * 100n <= f.den;

describe('the binomial bound, checked against exact integer arithmetic', () => {
  it('the fewest requests for a p99 bound is 459: exactly the first n with 0.99^n <= 1%', () => {
    expect(requiredSamples(99)).toBe(459);
    expect(atMostOnePercent(exactCdf(0, 459, 100n))).toBe(true);
    expect(atMostOnePercent(exactCdf(0, 458, 100n))).toBe(false);
    // p50 and p90: 0.5^7 = 0.78% (0.5^6 = 1.6%), 0.9^44 = 0.97% (0.9^43 = 1.08%)
    expect(requiredSamples(50)).toBe(7);
    expect(requiredSamples(90)).toBe(44);
    expect(requiredSamples(99.9)).toBe(4603);
  });

  it('the samples allowed above the bound are the largest k with P(Bin(n, 1%) <= k) <= 1%', () => {
    for (const n of [459, 500, 661, 662, 1000, 2000, 5000]) {
      const k = samplesAboveBound(n, 99)!;
      expect(atMostOnePercent(exactCdf(k, n, 100n)), `n=${n} k=${k}`).toBe(true);
      expect(atMostOnePercent(exactCdf(k + 1, n, 100n)), `n=${n} k+1=${k + 1}`).toBe(false);
    }
    expect(samplesAboveBound(458, 99)).toBeNull();
    expect(samplesAboveBound(2000, 99)).toBe(9); // 20 expected above p99; 9 keeps 99% confidence
  });

  it('the float CDF matches the exact one to 1e-12 relative', () => {
    let worst = 0;
    for (const [k, n] of [[0, 459], [3, 1000], [10, 2000], [40, 5000]] as const) {
      const { num, den } = exactCdf(k, n, 100n);
      // scale the exact fraction into a float with 30 significant digits of headroom
      const exact = Number((num * 10n ** 30n) / den) / 1e30;
      worst = Math.max(worst, Math.abs(binomialCdf(k, n, 0.01) - exact) / exact);
    }
    console.log(`binomial CDF: worst relative difference to the exact fraction ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-12);
  });

  it('the upper bound is the value with k requests above it, never below the percentile itself', () => {
    const h = createLatencyHistogram();
    for (let i = 1; i <= 2000; i++) recordUs(h, i); // the rank-r request takes r µs
    const b = percentileBound(h, 99);
    expect(b).toMatchObject({ n: 2000, needed: 459, supported: true, samplesAbove: 9, upperUs: 1991 });
    expect(b.upperUs!).toBeGreaterThanOrEqual(summarize(h).p99Us);
    // unanswered requests lie above every value: 11 of them put the bound on one of them
    expect(percentileBound(h, 99, 11).upperUs).toBe(Infinity);
    expect(percentileBound(h, 99, 5).upperUs).toBeLessThan(Infinity);
  });

  it('too few requests are marked with the count needed', () => {
    const h = createLatencyHistogram();
    for (let i = 0; i < 36; i++) recordUs(h, 1000 + i);
    expect(percentileBound(h, 99)).toMatchObject({ n: 36, supported: false, needed: 459, upperUs: null });
    expect(unsupportedNote(99, 36)).toBe('p99 n=36: too few, needs 459');
    expect(unsupportedNote(99, 459)).toBeNull();
  });
});

describe('no percentile above the max', () => {
  it('a p99 in the bucket of the max is the max (hdr-histogram-js answers the bucket top)', () => {
    // 10001 µs lies in a bucket 8 µs wide (10000..10007): the library's own p99 is 10007
    const h = createLatencyHistogram();
    for (let i = 0; i < 100; i++) recordUs(h, 10_001);
    expect(h.getValueAtPercentile(99)).toBeGreaterThan(h.maxValue); // the cause, as the library does it
    const s = summarize(h);
    expect(s.maxUs).toBe(10_001);
    for (const p of [s.p50Us, s.p90Us, s.p99Us, s.p999Us]) expect(p).toBeLessThanOrEqual(s.maxUs);
  });
});

describe('the judge: a gate on a percentile the run cannot support is not a pass', () => {
  const withSlo = (latenciesUs: number[]) => {
    const run = makeRun({ variant: 'ugsep', runtime: 'ort', latenciesUs });
    return { ...run, slo: { p99Ms: 200, p50Ms: null, met: true, unanswered: 0, reasons: [] } };
  };

  it('a met p99 SLO on 36 requests: INVALID, exit 98, needs 459; on 459 requests: pass', () => {
    const few = judgeResults(makeResults([withSlo(Array(36).fill(1000))]), []);
    expect(few.exitCode).toBe(98);
    expect(few.runs[0]!.reasons.join('\n')).toContain('SLO p99 <= 200 ms passed on p99 n=36: too few, needs 459');
    const enough = judgeResults(makeResults([withSlo(Array(459).fill(1000))]), []);
    expect(enough.exitCode).toBe(0);
  });

  it('a met p95 SLO (the shipped scenarios\' objective) on 200 requests passes; on 89 it is INVALID, needs 90', () => {
    const p95 = (n: number) => ({ ...makeRun({ variant: 'ugsep', runtime: 'ort', latenciesUs: Array<number>(n).fill(1000) }), slo: { p99Ms: null, p95Ms: 200, p50Ms: null, met: true, unanswered: 0, reasons: [] } });
    expect(judgeResults(makeResults([p95(200)]), []).exitCode).toBe(0);
    const few = judgeResults(makeResults([p95(89)]), []);
    expect(few.exitCode).toBe(98);
    expect(few.runs[0]!.reasons.join('\n')).toContain('SLO p95 <= 200 ms passed on p95 n=89: too few, needs 90');
  });

  it('a passing p99 threshold on too few requests: INVALID; a failing one still fails (99); p50 needs only 7', () => {
    const run = makeRun({ variant: 'ugsep', runtime: 'ort', latenciesUs: Array(100).fill(1000) });
    const pass = judgeResults(makeResults([run]), thresholdsFromScenario({ thresholds: ['p99_ms < 5'] }));
    expect(pass.exitCode).toBe(98);
    expect(pass.runs[0]!.reasons.join('\n')).toContain('needs 459');
    const fail = judgeResults(makeResults([run]), thresholdsFromScenario({ thresholds: ['p99_ms < 0.5'] }));
    expect(fail.exitCode).toBe(99);
    const p50 = judgeResults(makeResults([run]), thresholdsFromScenario({ thresholds: ['p50_ms < 5'] }));
    expect(p50.exitCode).toBe(0);
  });
});
