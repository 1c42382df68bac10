/**
 * The paired, interleaved service-time comparison of a results file (`results.paired`): every
 * variant scored the same requests back to back on an idle instance, so its speedups are the
 * model's, per candidate bucket with a 95% bootstrap interval. The headline speedup of the
 * console and the speedup chart both read it here.
 */
import type { BenchResults, PairedBucket, PairedComparison } from '../harness/results/contract.ts';

export type PairedBucketFacts = PairedBucket;
export type PairedFacts = PairedComparison;

/** The bucket label of the all-bucket entry. */
export const ALL_BUCKET = 'all';

export function pairedOf(results: BenchResults): PairedFacts | null {
  return results.paired ?? null;
}

/** The candidate buckets in order of their candidates, without the overall entry. */
export function candidateBuckets(paired: PairedFacts): PairedBucketFacts[] {
  return paired.buckets.filter((b) => b.bucket !== ALL_BUCKET).sort((a, b) => a.loCandidates - b.loCandidates);
}

/** (variant, over) pairs in the order the file lists them. */
export function speedupPairs(paired: PairedFacts): { variant: string; over: string }[] {
  const seen = new Map<string, { variant: string; over: string }>();
  for (const b of paired.buckets) for (const s of b.speedups) seen.set(`${s.variant}/${s.over}`, { variant: s.variant, over: s.over });
  return [...seen.values()];
}

/** A bucket's x position on a log axis: the geometric middle of its candidate range. */
export function bucketMidCandidates(b: Pick<PairedBucketFacts, 'loCandidates' | 'hiCandidates'>): number {
  return Math.sqrt(b.loCandidates * b.hiCandidates);
}
