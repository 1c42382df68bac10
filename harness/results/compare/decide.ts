/**
 * The verdict on one quantile change. A regression is declared only when the whole confidence
 * interval lies above the tolerance AND the pooled change is at least the minimum effect in
 * absolute time: the interval guards against noise, the absolute floor against flagging a
 * +12% on a 40 µs p50 that no user will ever see.
 */
import type { QuantileChange } from './bootstrap.ts';

export type ChangeVerdict = 'regression' | 'improvement' | 'no change' | 'inconclusive';

export interface DecisionRule {
  /** relative tolerance, e.g. 0.05 = changes within ±5% are noise; default 0.05 */
  tolerance: number;
  /** minimum absolute change of the pooled quantile, in the samples' unit (µs); default 0 */
  minEffect: number;
}

export const DEFAULT_RULE: DecisionRule = { tolerance: 0.05, minEffect: 0 };

export function decide(change: QuantileChange, rule: DecisionRule = DEFAULT_RULE): ChangeVerdict {
  const absolute = Math.abs(change.b - change.a);
  if (change.low > rule.tolerance && absolute >= rule.minEffect) return 'regression';
  if (change.high < -rule.tolerance && absolute >= rule.minEffect) return 'improvement';
  if (change.low >= -rule.tolerance && change.high <= rule.tolerance) return 'no change';
  // the interval straddles a tolerance bound, or the effect is below the absolute floor
  return absolute < rule.minEffect && (change.low > rule.tolerance || change.high < -rule.tolerance) ? 'no change' : 'inconclusive';
}
