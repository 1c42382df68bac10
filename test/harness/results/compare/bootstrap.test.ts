/**
 * The baseline comparison on synthetic samples: a known 20% shift must be flagged, two samples
 * of one distribution must not. Each trial is A and B with 3 repeats of 1000 requests,
 * log-normal latencies plus a per-repeat scale jitter of sd 2% (run-to-run noise, as on CI).
 * Rule: tolerance 5%, 95% interval. Stated bound: false alarms <= 1 in TRIALS (the design
 * target is 0: a regression needs the whole interval above +5%).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../harness/rng.ts';
import { bootstrapQuantileChange } from '../../../../harness/results/compare/bootstrap.ts';
import { decide } from '../../../../harness/results/compare/decide.ts';
import { fromValues, quantile } from '../../../../harness/results/compare/sample.ts';
import { lognormalUs } from '../results-fixture.ts';

const TRIALS = 30;
const REPEATS = 3;
const PER_REPEAT = 1000;
const RULE = { tolerance: 0.05, minEffect: 0 };

function side(rng: Rng, scale: number) {
  return Array.from({ length: REPEATS }, () => fromValues(lognormalUs(rng, PER_REPEAT, 1000, scale * Math.exp(0.02 * rng.normal()))));
}

function trial(seed: number, shift: number) {
  const rng = new Rng(seed);
  const a = side(rng, 1);
  const b = side(rng, shift);
  return bootstrapQuantileChange(a, b, { quantiles: [0.5, 0.99], replicates: 200, seed }).map((c) => ({ ...c, verdict: decide(c, RULE) }));
}

describe('bootstrap comparison', () => {
  it('quantiles of a weighted sample', () => {
    const s = fromValues([5, 1, 3, 3, 2]);
    expect([...s.values]).toEqual([1, 2, 3, 5]);
    expect(quantile(s, 0.5)).toBe(3);
    expect(quantile(s, 1)).toBe(5);
    expect(quantile(s, 0.2)).toBe(1);
  });

  it('flags a known 20% regression: p50 in every trial, p99 (noisier: 30 tail samples per repeat) in >= 90%', () => {
    let flagged = 0;
    let flaggedP99 = 0;
    for (let seed = 1; seed <= TRIALS; seed++) {
      const changes = trial(seed, 1.2);
      if (changes[0]!.verdict === 'regression') flagged++;
      if (changes[1]!.verdict === 'regression') flaggedP99++;
      const p50 = changes[0]!;
      // the interval sits around the true shift (run jitter can push it a little off)
      expect(p50.low).toBeLessThan(0.2 + 0.06);
      expect(p50.high).toBeGreaterThan(0.2 - 0.06);
    }
    console.log(`known +20% shift: p50 flagged ${flagged}/${TRIALS}, p99 flagged ${flaggedP99}/${TRIALS}`);
    expect(flagged).toBe(TRIALS);
    expect(flaggedP99).toBeGreaterThanOrEqual(TRIALS * 0.9);
  });

  it('does not flag two samples of one distribution (false-alarm rate printed and bounded)', () => {
    let falseAlarms = 0;
    let covered = 0;
    for (let seed = 101; seed < 101 + TRIALS; seed++) {
      const changes = trial(seed, 1);
      if (changes.some((c) => c.verdict === 'regression')) falseAlarms++;
      if (changes[0]!.low <= 0 && changes[0]!.high >= 0) covered++;
    }
    console.log(`same distribution: ${falseAlarms}/${TRIALS} false regressions (bound 1/${TRIALS}); p50 interval covered 0 in ${covered}/${TRIALS}`);
    expect(falseAlarms).toBeLessThanOrEqual(1);
    // a 95% interval should cover the true change (0) in most trials; a loose floor, not a test of exact coverage
    expect(covered).toBeGreaterThanOrEqual(TRIALS * 0.8);
  });

  it('an improvement is reported as such, and a tiny absolute change is not a regression', () => {
    expect(trial(7, 0.8)[0]!.verdict).toBe('improvement');
    const change = { quantile: 0.5, a: 40, b: 48, relative: 0.2, low: 0.15, high: 0.25 };
    expect(decide(change, { tolerance: 0.05, minEffect: 50 })).toBe('no change');
    expect(decide(change, { tolerance: 0.05, minEffect: 5 })).toBe('regression');
    expect(decide({ ...change, low: 0.02 }, { tolerance: 0.05, minEffect: 0 })).toBe('inconclusive');
    expect(decide({ ...change, low: -0.03, high: 0.04 }, { tolerance: 0.05, minEffect: 0 })).toBe('no change');
  });

  it('is deterministic for a seed', () => {
    expect(trial(3, 1.1)).toEqual(trial(3, 1.1));
  });
});
