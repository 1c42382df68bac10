/**
 * Folds per-request parity into the run-level figures stored in results (ParityFigures).
 */
import type { ParityFigures } from '../contract.ts';
import { kendallTau, scoreDrift, topKOverlap } from './metrics.ts';

export interface ScorePair {
  /** the run's scores for one sampled request */
  observed: ArrayLike<number>;
  /** the comparison's scores for the same request */
  expected: ArrayLike<number>;
}

export function summarizeParity(pairs: readonly ScorePair[], k: number, against: string): ParityFigures {
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
    meanAbsDrift: candidates === 0 ? 0 : sumAbs / candidates,
    topkOverlap: requests === 0 ? 1 : overlap / requests,
    kendallTau: requests === 0 ? 1 : tau / requests,
  };
}
