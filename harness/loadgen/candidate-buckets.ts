/**
 * Candidate-count buckets: the ranges of "candidates per request" that results split latency
 * and service time by (tag `candidates`), so one run draws latency and speedup against N as a
 * curve. Edges come from the plan's own candidate counts (equal-frequency over whole values),
 * so every plan gets buckets with about the same number of requests whatever its distribution.
 * Buckets are contiguous: a count between two observed values falls in the next bucket, and a
 * count outside the plan's range in the first or the last.
 */

export interface CandidateBucket {
  /** `${lo}-${hi}`, or `${lo}` when lo === hi */
  label: string;
  loCandidates: number;
  hiCandidates: number;
}

export interface CandidateBucketOptions {
  /** fewest buckets when the plan has enough distinct counts; default 6 */
  minBuckets?: number;
  /** most buckets; default 8 */
  maxBuckets?: number;
  /** requests per bucket aimed at between minBuckets and maxBuckets; default 20 */
  targetPerBucket?: number;
}

/** The tag every completion carries its bucket label under. */
export const CANDIDATES_TAG = 'candidates';

const DEFAULTS = { minBuckets: 6, maxBuckets: 8, targetPerBucket: 20 };

export function bucketLabel(lo: number, hi: number): string {
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}

/**
 * Buckets for these candidate counts: one per distinct count when there are at most maxBuckets
 * of them; otherwise k = clamp(floor(n / targetPerBucket), minBuckets, maxBuckets) buckets of
 * about n / k requests each (a count is never split between buckets, so a very common count can
 * leave fewer). No counts, no buckets.
 */
export function candidateBuckets(candidates: ArrayLike<number>, opts: CandidateBucketOptions = {}): CandidateBucket[] {
  const o = { ...DEFAULTS, ...opts };
  const counts = new Map<number, number>();
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const values = [...counts.keys()].sort((a, b) => a - b);
  if (values.length === 0) return [];
  const n = candidates.length;
  const k = values.length <= o.maxBuckets ? values.length : Math.min(o.maxBuckets, Math.max(o.minBuckets, Math.floor(n / o.targetPerBucket)));
  const his: number[] = [];
  let seen = 0;
  for (const v of values) {
    seen += counts.get(v)!;
    // close a bucket each time the running count passes the next 1/k of the requests
    if (seen * k >= (his.length + 1) * n) his.push(v);
  }
  const last = values[values.length - 1]!;
  if (his[his.length - 1] !== last) his.push(last);
  let lo = values[0]!;
  return his.map((hi) => {
    const bucket = { label: bucketLabel(lo, hi), loCandidates: lo, hiCandidates: hi };
    lo = hi + 1;
    return bucket;
  });
}

/** The bucket a count falls in (buckets as candidateBuckets returns them, non-empty). */
export function bucketOf(buckets: readonly CandidateBucket[], candidates: number): CandidateBucket {
  if (buckets.length === 0) throw new RangeError('bucketOf: no buckets');
  let lo = 0;
  let hi = buckets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (buckets[mid]!.hiCandidates < candidates) lo = mid + 1;
    else hi = mid;
  }
  return buckets[lo]!;
}

/** The measured part of a plan's candidate counts (warm-up excluded), what buckets are drawn from. */
export function measuredCandidates(plan: { candidates: Uint32Array; warmupCount: number }): Uint32Array {
  return plan.candidates.subarray(plan.warmupCount);
}
