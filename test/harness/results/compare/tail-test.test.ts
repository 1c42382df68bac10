/**
 * The whole-distribution test on synthetic HDR histograms (recorded and encoded as the bench
 * does). Side A: 3 runs of 20 000 log-normal latencies (median 1 ms, sigma 0.25). Side B: the
 * same, except that half of the requests above the distribution's p90 are 3x slower, a new
 * slow mode of 5% of requests that leaves p50 (and p90) where they were. The KS test on the
 * tails above A's p90 must flag B and must not flag a second draw of A (20 seeds); p50 must be
 * judged 'no change' by the quantile comparison, so only the tail test sees the slow mode.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../harness/rng.ts';
import { createLatencyHistogram, encodeHistogram, recordUs } from '../../../../harness/loadgen/histogram.ts';
import { compareSamples } from '../../../../harness/results/compare/runs.ts';
import { fromEncoded, fromValues, type WeightedSample } from '../../../../harness/results/compare/sample.ts';
import { lognormalUs } from '../results-fixture.ts';
import { kolmogorovQ, ksDistance, tailTest } from '../../../../harness/results/compare/tail-test.ts';

const RUNS = 3;
const PER_RUN = 20_000;
const SIGMA = 0.25;
const P90_US = 1000 * Math.exp(SIGMA * 1.2815515655446004); // the log-normal's own p90

function run(rng: Rng, slowMode: boolean): WeightedSample {
  const h = createLatencyHistogram();
  for (let i = 0; i < PER_RUN; i++) {
    const v = 1000 * Math.exp(SIGMA * rng.normal());
    recordUs(h, slowMode && v > P90_US && rng.uniform() < 0.5 ? 3 * v : v);
  }
  const sample = fromEncoded(encodeHistogram(h));
  h.destroy();
  return sample;
}

const side = (rng: Rng, slowMode: boolean) => Array.from({ length: RUNS }, () => run(rng, slowMode));

describe('tail distribution test', () => {
  it('flags a 5% slow mode that leaves p50 unchanged; the p50 interval says no change', () => {
    const rng = new Rng(11);
    const a = side(rng, false);
    const b = side(rng, true);
    const t = tailTest(a, b);
    const p50 = compareSamples('sim', a, b, { rule: { tolerance: 0.05, minEffect: 0 }, replicates: 100, quantiles: [0.5], seed: 1 }).changes[0]!;
    console.log(`slow mode: D ${t.d.toFixed(3)} p ${t.p.toExponential(1)} run spread D ${t.runSpreadD.toFixed(3)} n ${t.tailCountA} vs ${t.tailCountB}; p50 ${(p50.relative * 100).toFixed(2)}% [${(p50.low * 100).toFixed(2)}, ${(p50.high * 100).toFixed(2)}] ${p50.verdict}`);
    expect(t.verdict).toBe('tail differs');
    expect(Math.abs(t.tailShareB - t.tailShareA)).toBeLessThan(0.01); // p90 unchanged too: only the tail's shape moved
    expect(p50.verdict).toBe('no change');
  });

  it('does not flag identical distributions (20 seeds)', () => {
    const results = Array.from({ length: 20 }, (_, seed) => {
      const rng = new Rng(100 + seed);
      return tailTest(side(rng, false), side(rng, false));
    });
    const flagged = results.filter((t) => t.verdict !== 'tail alike').length;
    console.log(`identical: flagged ${flagged}/20; largest D ${Math.max(...results.map((t) => t.d)).toFixed(4)}, smallest p ${Math.min(...results.map((t) => t.p)).toExponential(1)}`);
    expect(flagged).toBe(0);
  });

  it('needs enough tail samples, and tails must differ more than runs of one side do', () => {
    const rng = new Rng(5);
    const tiny = (scale: number) => [0, 1].map(() => {
      const h = createLatencyHistogram();
      for (let i = 0; i < 50; i++) recordUs(h, scale * 1000 * Math.exp(SIGMA * rng.normal()));
      const s = fromEncoded(encodeHistogram(h));
      h.destroy();
      return s;
    });
    expect(tailTest(tiny(1), tiny(1)).verdict).toBe('too few tail samples');
    // one run of A on a busier machine: its tail moves as far as B's, so B's is not flagged
    const a = [run(rng, false), run(rng, true), run(rng, false)];
    const b = [run(rng, true), run(rng, false), run(rng, true)];
    const t = tailTest(a, b);
    expect(t.runSpreadD).toBeGreaterThan(t.d);
    expect(t.verdict).toBe('tail alike');
    // measured A/A shape: one A run so slow that side A's p90 lies above every other run
    const slow = fromValues(lognormalUs(rng, 2000, 50_000));
    const quiet = () => fromValues(lognormalUs(rng, 2000, 1000));
    const cut = tailTest([quiet(), quiet(), slow], [quiet(), quiet(), slow]);
    expect(cut.runSpreadD).toBe(1);
    expect(cut.verdict).not.toBe('tail differs');
  });

  it('KS distance and the Kolmogorov survival function', () => {
    const s = (values: number[]) => ({ values: Float64Array.from(values), counts: Float64Array.from(values.map(() => 1)), total: values.length });
    expect(ksDistance(s([1, 2, 3, 4]), s([1, 2, 3, 4]))).toBe(0);
    expect(ksDistance(s([1, 2]), s([3, 4]))).toBe(1);
    expect(ksDistance(s([1, 2, 3, 4]), s([3, 4, 5, 6]))).toBeCloseTo(0.5, 12);
    // Q(1.36) ~ 0.049 and Q(1.63) ~ 0.0098: the 5% and 1% critical values
    expect(kolmogorovQ(1.358)).toBeCloseTo(0.05, 3);
    expect(kolmogorovQ(1.628)).toBeCloseTo(0.01, 3);
  });
});
