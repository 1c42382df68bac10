/**
 * Statistics of the paired comparison (harness/loadgen/paired.ts): per candidate bucket and
 * over all samples, the speedup of a variant over another as the ratio of their median service
 * times, with a 95% percentile-bootstrap interval that resamples the bucket's requests with
 * replacement and keeps each request's pair together (so the request-to-request spread in N and
 * the drift shared by a pair cancel in the ratio instead of widening it). Seeded: the same
 * samples and seed give the same interval.
 */
import { Rng } from '../rng.ts';
import type { CandidateBucket } from '../loadgen/candidate-buckets.ts';
import type { PairedBucket, PairedComparison, PairedSample, PairedSpeedup } from './contract.ts';

export const DEFAULT_RESAMPLES = 2000;
/** the bucket label of the all-samples entry */
export const ALL_BUCKET = 'all';

export interface SpeedupPair {
  variant: string;
  over: string;
}

/** The predicted ratio (over / variant) of a pair at a candidate count; a field left out is not predicted. */
export type PairPrediction = (pair: SpeedupPair, candidates: number) => Pick<PairedSpeedup, 'predictedFlopRatio' | 'predictedRooflineRatio'>;

export interface PairedStatsInput {
  seed: number;
  runtime: string;
  variants: string[];
  samples: PairedSample[];
  buckets: readonly CandidateBucket[];
  pairs: readonly SpeedupPair[];
  resamples?: number;
  /** of the interval; default 0.95 (the results file's lo95/hi95) */
  confidence?: number;
  predict?: PairPrediction;
}

export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = n >>> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Linear interpolation between order statistics (type 7) of sorted values. */
function quantileOfSorted(sorted: Float64Array, p: number): number {
  const position = p * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (position - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * median(over) / median(variant) over paired service times, with its percentile-bootstrap
 * interval (95% unless `confidence` says otherwise: `ugbench compare --confidence`).
 */
export function pairedRatio(overUs: ArrayLike<number>, variantUs: ArrayLike<number>, rng: Rng, resamples: number, confidence = 0.95): Pick<PairedSpeedup, 'ratio' | 'lo95' | 'hi95' | 'resamples'> {
  const n = overUs.length;
  if (n === 0 || variantUs.length !== n) throw new RangeError(`pairedRatio: expected equal, non-empty samples, got ${n} and ${variantUs.length}`);
  const ratios = new Float64Array(resamples);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(0, n - 1); // one draw picks both sides of request j
      a[i] = overUs[j]!;
      b[i] = variantUs[j]!;
    }
    ratios[r] = median(a) / median(b);
  }
  ratios.sort();
  const tail = (1 - confidence) / 2;
  return { ratio: median(overUs) / median(variantUs), lo95: quantileOfSorted(ratios, tail), hi95: quantileOfSorted(ratios, 1 - tail), resamples };
}

function bucketEntry(label: string, lo: number, hi: number, samples: readonly PairedSample[], input: PairedStatsInput, rng: Rng): PairedBucket {
  const resamples = input.resamples ?? DEFAULT_RESAMPLES;
  const series = (v: string): number[] => samples.map((s) => s.serviceUs[v]!);
  const medianN = median(samples.map((s) => s.candidates));
  const speedups = input.pairs.map((pair): PairedSpeedup => ({
    ...pair,
    ...pairedRatio(series(pair.over), series(pair.variant), rng, resamples, input.confidence),
    ...(input.predict ? input.predict(pair, medianN) : {}),
  }));
  return { bucket: label, loCandidates: lo, hiCandidates: hi, n: samples.length, medianServiceUs: Object.fromEntries(input.variants.map((v) => [v, median(series(v))])), speedups };
}

/** The paired comparison of the results file: one entry per bucket with samples, then `all`. */
export function pairedComparison(input: PairedStatsInput): PairedComparison {
  const rng = new Rng(`${input.seed}:paired-bootstrap`);
  const buckets: PairedBucket[] = [];
  for (const b of input.buckets) {
    const inBucket = input.samples.filter((s) => s.bucket === b.label);
    if (inBucket.length > 0) buckets.push(bucketEntry(b.label, b.loCandidates, b.hiCandidates, inBucket, input, rng));
  }
  if (input.samples.length > 0) {
    const ns = input.samples.map((s) => s.candidates);
    buckets.push(bucketEntry(ALL_BUCKET, Math.min(...ns), Math.max(...ns), input.samples, input, rng));
  }
  return { seed: input.seed, runtime: input.runtime, variants: input.variants, cache: 'bypassed', samples: input.samples, buckets };
}
