/**
 * What a percentile rests on: its sample count n, and a conservative upper confidence bound in
 * the manner of MLPerf LoadGen's early stopping. If the true p-th percentile were at or above a
 * value L, each request would exceed L with probability at least 1 - p, so seeing only k requests
 * above L out of n has probability at most P(Binomial(n, 1 - p) <= k). The bound is the value
 * with the most requests above it for which that probability is still <= 1 - confidence
 * (default 99%): the true percentile lies below it with that confidence. With too few requests
 * not even the max qualifies (k = 0 needs p^n <= 1 - confidence): the percentile is then marked
 * unsupported, with the count it needs, and a gate on it is not a pass (harness/results/judge.ts).
 */
import type { Histogram } from 'hdr-histogram-js';
import { valueAtPercentileUs } from '../loadgen/histogram.ts';

/** The confidence LoadGen's early stopping uses, and ours by default. */
export const BOUND_CONFIDENCE = 0.99;

/** ln P(X = i) for X ~ Binomial(n, q), stepped from i - 1 (ln of the ratio of successive terms). */
function nextLogPmf(logPmf: number, i: number, n: number, logOdds: number): number {
  return logPmf + Math.log((n - i + 1) / i) + logOdds;
}

/** ln(e^a + e^b) without overflow or underflow. */
function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  const hi = Math.max(a, b);
  return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
}

/** P(X <= k) for X ~ Binomial(n, q), summed in log space so large n does not underflow. */
export function binomialCdf(k: number, n: number, q: number): number {
  if (k < 0) return 0;
  if (k >= n || q <= 0) return 1;
  if (q >= 1) return 0;
  const logOdds = Math.log(q / (1 - q));
  let logPmf = n * Math.log1p(-q);
  let logCdf = logPmf;
  for (let i = 1; i <= k; i++) {
    logPmf = nextLogPmf(logPmf, i, n, logOdds);
    logCdf = logAdd(logCdf, logPmf);
  }
  return Math.min(1, Math.exp(logCdf));
}

/** Fewest requests whose max bounds percentile `percentile` (0..100): the smallest n with p^n <= 1 - c. */
export function requiredSamples(percentile: number, confidence = BOUND_CONFIDENCE): number {
  const p = percentile / 100;
  if (p <= 0) return 1;
  if (p >= 1) return Infinity;
  // the float quotient can land a hair above an exact integer: step back while n - 1 still suffices
  let n = Math.ceil(Math.log(1 - confidence) / Math.log(p));
  while (n > 1 && (n - 1) * Math.log(p) <= Math.log(1 - confidence)) n--;
  return n;
}

/**
 * The most requests that may lie above the bound among n: the largest k with
 * P(Binomial(n, 1 - p) <= k) <= 1 - c; null when n is too small for any (k = 0 fails).
 */
export function samplesAboveBound(n: number, percentile: number, confidence = BOUND_CONFIDENCE): number | null {
  const q = 1 - percentile / 100;
  if (n < requiredSamples(percentile, confidence)) return null;
  const alpha = 1 - confidence;
  const logOdds = Math.log(q / (1 - q));
  let logPmf = n * Math.log1p(-q);
  let logCdf = logPmf;
  let k = 0;
  // the CDF grows with k: walk up until the next term would pass alpha
  while (k + 1 < n) {
    const nextPmf = nextLogPmf(logPmf, k + 1, n, logOdds);
    const nextCdf = logAdd(logCdf, nextPmf);
    if (Math.exp(nextCdf) > alpha) break;
    logPmf = nextPmf;
    logCdf = nextCdf;
    k++;
  }
  return k;
}

export interface PercentileBound {
  /** 0..100 */
  percentile: number;
  /** requests the percentile rests on (completed, plus unanswered where they count) */
  n: number;
  /** requests needed for any upper bound at this confidence */
  needed: number;
  supported: boolean;
  /** requests above the bound; null when unsupported */
  samplesAbove: number | null;
  /** the upper bound, µs: Infinity when it falls on an unanswered request; null when unsupported */
  upperUs: number | null;
  confidence: number;
}

/**
 * The upper bound of a latency percentile from a histogram of completed requests, with
 * `unanswered` requests (dropped, errored) counted as unbounded latencies above every value.
 */
export function percentileBound(latency: Histogram, percentile: number, unanswered = 0, confidence = BOUND_CONFIDENCE): PercentileBound {
  const completed = latency.totalCount;
  const n = completed + unanswered;
  const needed = requiredSamples(percentile, confidence);
  const k = samplesAboveBound(n, percentile, confidence);
  if (k === null) return { percentile, n, needed, supported: false, samplesAbove: null, upperUs: null, confidence };
  // the bound is the request of rank n - k (1-based, ascending): k requests lie above it
  const rank = n - k;
  const upperUs = rank > completed ? Infinity : valueAtPercentileUs(latency, (rank / completed) * 100);
  return { percentile, n, needed, supported: true, samplesAbove: k, upperUs, confidence };
}

/** 'p99', 'p99.9', 'p50' */
export function percentileName(percentile: number): string {
  return `p${String(percentile)}`;
}

/** The mark for a percentile without enough requests: 'p99 n=36: too few, needs 459'; null when supported. */
export function unsupportedNote(percentile: number, n: number, confidence = BOUND_CONFIDENCE): string | null {
  const needed = requiredSamples(percentile, confidence);
  return n >= needed ? null : `${percentileName(percentile)} n=${n}: too few, needs ${needed}`;
}
