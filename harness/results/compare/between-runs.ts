/**
 * The between-runs interval: each repeat's own quantile is one observation, and Welch's t
 * interval on the difference of mean log quantiles says how far B moved from A given how much
 * the runs of each side disagree with each other. This is the part of the noise a bootstrap
 * with 3-5 repeats per side under-states (resampling 3 runs cannot see a 4th kind of run), so a
 * verdict rests on the union of this interval and the bootstrap one. With ABBA ordering a slow
 * drift of the machine lands on both sides alike: it widens the interval, it does not bias it.
 * The t interval assumes normal noise; a busy machine's is heavy-tailed, so the per-run values
 * also get an exact permutation test, which a declared change must pass too (./decide.ts).
 */
import { quantile, type WeightedSample } from './sample.ts';
import { permutationP } from './run-permutation.ts';
import { meanStats, tQuantile, welch } from './student-t.ts';

export interface BetweenRunsInterval {
  /** relative change b / a - 1 of the geometric mean of per-run quantiles */
  relative: number;
  low: number;
  high: number;
  /** Welch-Satterthwaite degrees of freedom */
  df: number;
  /** exact permutation test of the per-run log quantiles (./run-permutation.ts), two-sided */
  permutationP: number;
}

/** Undefined when a side has fewer than 2 repeats (no run-to-run spread to measure). */
export function betweenRunsInterval(a: readonly WeightedSample[], b: readonly WeightedSample[], q: number, confidence: number): BetweenRunsInterval | undefined {
  const logs = (side: readonly WeightedSample[]) => side.map((s) => Math.log(quantile(s, q)));
  const logsA = logs(a);
  const logsB = logs(b);
  const test = welch(meanStats(logsA), meanStats(logsB));
  if (!test) return undefined;
  const halfWidth = tQuantile(1 - (1 - confidence) / 2, test.df) * test.standardError;
  return {
    relative: Math.exp(test.difference) - 1,
    low: Math.exp(test.difference - halfWidth) - 1,
    high: Math.exp(test.difference + halfWidth) - 1,
    df: test.df,
    permutationP: permutationP(logsA, logsB),
  };
}
