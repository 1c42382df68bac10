/**
 * Paired statistics (harness/results/paired.ts): on synthetic service times whose true ratio of
 * medians is known, the 95% percentile-bootstrap interval covers it at about the stated rate over
 * many seeds, and excludes a wrong ratio (negative control); the comparison has one entry per
 * bucket plus `all`, with the predicted ratio at the bucket's median N.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../harness/rng.ts';
import type { PairedSample } from '../../../harness/results/contract.ts';
import { ALL_BUCKET, median, pairedComparison, pairedRatio } from '../../../harness/results/paired.ts';

const TRUE_RATIO = 1.6;

/**
 * n paired requests: a shared per-request size (spread in N) times independent lognormal noise
 * per variant. over = TRUE_RATIO x variant in distribution, so the ratio of the population
 * medians is exactly TRUE_RATIO.
 */
function synthetic(rng: Rng, n: number): { over: number[]; variant: number[] } {
  const over: number[] = [];
  const variant: number[] = [];
  for (let i = 0; i < n; i++) {
    const size = Math.exp(0.3 * rng.normal());
    over.push(1000 * TRUE_RATIO * size * Math.exp(0.15 * rng.normal()));
    variant.push(1000 * size * Math.exp(0.15 * rng.normal()));
  }
  return { over, variant };
}

function coverage(n: number, trials: number, target: number): { covered: number; excluded: number } {
  let covered = 0;
  let excluded = 0;
  for (let t = 0; t < trials; t++) {
    const { over, variant } = synthetic(new Rng(`trial:${n}:${t}`), n);
    const r = pairedRatio(over, variant, new Rng(t), 500);
    if (r.lo95 <= TRUE_RATIO && TRUE_RATIO <= r.hi95) covered++;
    if (target < r.lo95 || target > r.hi95) excluded++;
  }
  return { covered, excluded };
}

describe('pairedRatio', () => {
  it('computes median(over) / median(variant) and an interval around it', () => {
    const r = pairedRatio([4, 6, 8], [1, 2, 3], new Rng(1), 500);
    expect(r.ratio).toBe(6 / 2);
    expect(r.lo95).toBeLessThanOrEqual(r.ratio);
    expect(r.hi95).toBeGreaterThanOrEqual(r.ratio);
    expect(r.resamples).toBe(500);
    expect(() => pairedRatio([], [], new Rng(1), 10)).toThrow(RangeError);
  });

  it('covers the known ratio in about 95% of 200 trials (n = 40), and excludes a ratio 25% off', () => {
    const { covered } = coverage(40, 200, TRUE_RATIO);
    const wrong = coverage(40, 200, TRUE_RATIO * 1.25);
    console.log(`n=40: true ratio ${TRUE_RATIO} covered in ${covered}/200 trials; wrong ratio ${TRUE_RATIO * 1.25} excluded in ${wrong.excluded}/200`);
    expect(covered).toBeGreaterThanOrEqual(180);
    expect(covered).toBeLessThanOrEqual(199);
    expect(wrong.excluded).toBeGreaterThanOrEqual(180);
  });

  it('at the bench default (n = 12 per bucket) still covers at >= 85% (small-n percentile bootstrap of a median)', () => {
    const { covered } = coverage(12, 200, TRUE_RATIO);
    const wrong = coverage(12, 200, TRUE_RATIO * 1.25);
    console.log(`n=12: covered ${covered}/200; wrong ratio excluded in ${wrong.excluded}/200`);
    expect(covered).toBeGreaterThanOrEqual(170);
    expect(wrong.excluded).toBeGreaterThanOrEqual(100);
  });
});

describe('pairedComparison', () => {
  it('has one entry per bucket with samples, then all; pairs and predictions as asked', () => {
    const rng = new Rng(3);
    const samples: PairedSample[] = [];
    for (let i = 0; i < 30; i++) {
      const candidates = i < 15 ? 10 + (i % 5) : 100 + (i % 7);
      const bucket = candidates < 50 ? '10-49' : '50-200';
      const base = candidates * (1 + 0.1 * rng.uniform());
      samples.push({ index: i, userId: i, candidates, bucket, order: ['baseline', 'ugsep'], serviceUs: { baseline: 2 * base, ugsep: base } });
    }
    const buckets = [
      { label: '10-49', loCandidates: 10, hiCandidates: 49 },
      { label: '50-200', loCandidates: 50, hiCandidates: 200 },
      { label: '201-300', loCandidates: 201, hiCandidates: 300 },
    ];
    const seenN: number[] = [];
    const p = pairedComparison({
      seed: 1,
      runtime: 'reference',
      variants: ['baseline', 'ugsep'],
      samples,
      buckets,
      pairs: [{ variant: 'ugsep', over: 'baseline' }],
      resamples: 300,
      predict: (_pair, n) => (seenN.push(n), { predictedFlopRatio: n }),
    });
    expect(p.cache).toBe('bypassed');
    expect(p.buckets.map((b) => [b.bucket, b.n])).toEqual([['10-49', 15], ['50-200', 15], [ALL_BUCKET, 30]]);
    for (const b of p.buckets) {
      expect(b.speedups[0]!.ratio).toBeCloseTo(2, 10); // baseline is exactly twice ugsep per request
      expect(b.medianServiceUs.baseline).toBeCloseTo(2 * b.medianServiceUs.ugsep!, 10);
      expect(b.speedups[0]!.predictedFlopRatio).toBe(median(samples.filter((s) => b.bucket === ALL_BUCKET || s.bucket === b.bucket).map((s) => s.candidates)));
    }
    expect(seenN.length).toBe(3);
  });
});
