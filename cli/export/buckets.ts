/**
 * The latency buckets of one run that exports list: the whole run ('all') and one per tag value
 * the results file records (cache=hit, replica=..., instance=..., read generically from the run's
 * tag splits), each with its summary and histogram. The one place exports read the per-tag
 * layout of the results contract.
 */
import type { LatencySummary, RunResult } from '../../harness/results/contract.ts';
import { tagsOf } from '../../harness/results/splits.ts';

export interface LatencyBucket {
  /** 'all', or `tag=value` */
  name: string;
  summary: LatencySummary;
  /** compressed base64 HDR histogram of the same requests, µs */
  histogram: string;
}

export function latencyBuckets(run: RunResult): LatencyBucket[] {
  const buckets: LatencyBucket[] = [{ name: 'all', summary: run.latencyUs.overall, histogram: run.histograms.overall }];
  const tags = tagsOf(run);
  for (const key of Object.keys(tags).sort()) {
    for (const [value, split] of Object.entries(tags[key]!).sort(([a], [b]) => a.localeCompare(b))) {
      buckets.push({ name: `${key}=${value}`, summary: split.latencyUs.summary, histogram: split.latencyUs.histogram });
    }
  }
  return buckets;
}
