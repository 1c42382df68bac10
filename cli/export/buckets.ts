/**
 * The latency buckets of one run that exports list: the whole run ('all') and one per tag value
 * the results file records (today the user-cache outcome: cache=hit, cache=miss), each with its
 * summary and histogram. The one place exports read the per-tag layout of the results contract.
 */
import type { LatencySummary, RunResult } from '../../harness/results/contract.ts';

export interface LatencyBucket {
  /** 'all', or `tag=value` */
  name: string;
  summary: LatencySummary;
  /** compressed base64 HDR histogram of the same requests, µs */
  histogram: string;
}

export function latencyBuckets(run: RunResult): LatencyBucket[] {
  const buckets: LatencyBucket[] = [{ name: 'all', summary: run.latencyUs.overall, histogram: run.histograms.overall }];
  if (run.latencyUs.cacheHit && run.histograms.cacheHit) buckets.push({ name: 'cache=hit', summary: run.latencyUs.cacheHit, histogram: run.histograms.cacheHit });
  if (run.latencyUs.cacheMiss && run.histograms.cacheMiss) buckets.push({ name: 'cache=miss', summary: run.latencyUs.cacheMiss, histogram: run.histograms.cacheMiss });
  return buckets;
}
