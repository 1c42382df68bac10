/**
 * The verdict on one quantile change. A regression (or improvement) is declared only when the
 * whole confidence interval lies beyond the tolerance, the pooled change is at least the minimum
 * effect in absolute time, each side has at least `minRepeats` runs, AND the runs of the two
 * sides separate beyond chance (see `runsSeparate` below): the interval guards
 * against noise within the runs it saw, the repeat floor against a verdict from runs too few to
 * show how much runs differ (two runs per side once read +86% between identical commits), the
 * absolute floor against flagging a +12% on a 40 µs p50 that no user will ever see.
 * Anything else that is not inside the tolerance is 'inconclusive': more runs may decide it.
 */
import type { QuantileChange } from './bootstrap.ts';

export type ChangeVerdict = 'regression' | 'improvement' | 'no change' | 'inconclusive';

export interface DecisionRule {
  /** relative tolerance, e.g. 0.05 = changes within ±5% are noise; default 0.05 */
  tolerance: number;
  /** minimum absolute change of the pooled quantile, in the samples' unit (µs); default 0 */
  minEffect: number;
  /** repeats each side needs before a change beyond the tolerance is declared; default 3 */
  minRepeats?: number;
}

export const DEFAULT_RULE: DecisionRule = { tolerance: 0.05, minEffect: 0, minRepeats: 3 };

/** Repeats per side; a single comparison of two samples is { a: 1, b: 1 }. */
export interface Repeats {
  a: number;
  b: number;
}

/**
 * Without `repeats` the repeat floor is not checked (a caller that has already checked it).
 * `runsSeparate`: whether the per-run values of the two sides differ beyond the chance of which
 * runs a busy machine hit (exact permutation test at the interval's level); false makes a
 * change beyond the tolerance inconclusive, undefined (fewer than 2 runs a side) is not checked.
 */
export function decide(change: QuantileChange, rule: DecisionRule = DEFAULT_RULE, repeats?: Repeats, runsSeparate?: boolean): ChangeVerdict {
  const minRepeats = rule.minRepeats ?? 3;
  const absolute = Math.abs(change.b - change.a);
  const beyond = change.low > rule.tolerance ? 'regression' : change.high < -rule.tolerance ? 'improvement' : undefined;
  if (beyond && absolute < rule.minEffect) return 'no change';
  if (beyond) return (!repeats || Math.min(repeats.a, repeats.b) >= minRepeats) && runsSeparate !== false ? beyond : 'inconclusive';
  if (change.low >= -rule.tolerance && change.high <= rule.tolerance) return 'no change';
  // the interval straddles a tolerance bound
  return 'inconclusive';
}
