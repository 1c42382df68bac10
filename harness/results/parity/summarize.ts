/**
 * Folds per-request parity into the run-level figures stored in results (ParityFigures).
 * No sampled request, no figures: null, never drift 0 / overlap 1 / tau 1 from nothing.
 */
import type { ParityFigures } from '../contract.ts';
import { kendallTau, scoreDrift, topKOverlap } from './metrics.ts';

export interface ScorePair {
  /** the run's scores for one sampled request */
  observed: ArrayLike<number>;
  /** the comparison's scores for the same request */
  expected: ArrayLike<number>;
}

export function summarizeParity(pairs: readonly ScorePair[], k: number, against: string): ParityFigures | null {
  if (pairs.length === 0) return null;
  let maxAbs = 0;
  let sumAbs = 0;
  let candidates = 0;
  let overlap = 0;
  let tau = 0;
  for (const { observed, expected } of pairs) {
    const drift = scoreDrift(observed, expected);
    maxAbs = Math.max(maxAbs, drift.maxAbs);
    sumAbs += drift.meanAbs * observed.length;
    candidates += observed.length;
    overlap += topKOverlap(observed, expected, k);
    tau += kendallTau(observed, expected);
  }
  const requests = pairs.length;
  return {
    against,
    maxAbsDrift: maxAbs,
    meanAbsDrift: sumAbs / candidates,
    topkOverlap: overlap / requests,
    kendallTau: tau / requests,
  };
}
