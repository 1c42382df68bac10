/**
 * A distribution-free confidence interval for a latency quantile from one run's histogram: the
 * number of requests at or below the true q-quantile is Binomial(n, q), so the order statistics
 * at ranks n*q -/+ z*sqrt(n*q*(1-q)) bound it (normal approximation of the binomial). It covers
 * sampling noise within the run only, not run-to-run noise (use `ugbench compare` for that).
 * With too few requests beyond the quantile the upper bound does not exist and is null.
 */
import { quantile, type WeightedSample } from '../../harness/results/compare/sample.ts';

export interface QuantileInterval {
  q: number;
  /** requests the interval rests on */
  count: number;
  estimateUs: number;
  lowUs: number | null;
  highUs: number | null;
}

/** z for a two-sided 95% interval */
const Z95 = 1.959964;

export function quantileInterval(sample: WeightedSample, q: number, z = Z95): QuantileInterval {
  const n = sample.total;
  if (n === 0) return { q, count: 0, estimateUs: NaN, lowUs: null, highUs: null };
  const spread = z * Math.sqrt(n * q * (1 - q));
  const lowRank = Math.floor(n * q - spread);
  const highRank = Math.ceil(n * q + spread) + 1;
  return {
    q,
    count: n,
    estimateUs: quantile(sample, q),
    lowUs: lowRank >= 1 ? atRank(sample, lowRank) : null,
    highUs: highRank <= n ? atRank(sample, highRank) : null,
  };
}

/** The value of the rank-th smallest request (1-based); (rank - 0.5) / n keeps ceil() exact. */
function atRank(sample: WeightedSample, rank: number): number {
  return quantile(sample, (rank - 0.5) / sample.total);
}
