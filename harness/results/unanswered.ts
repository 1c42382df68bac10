/**
 * Requests a run owed an answer and did not give (dropped at the in-flight limit, errored, timed
 * out) have an unbounded latency: they are over every latency limit. Percentiles for the SLO and
 * for latency thresholds are taken over completed and unanswered requests together.
 */
import type { Histogram } from 'hdr-histogram-js';
import { valueAtPercentileUs } from '../loadgen/histogram.ts';
import type { RunCounts } from '../loadgen/recorder.ts';

/** Requests the run owed an answer and did not give one: their latency is unbounded. */
export function unansweredCount(counts: RunCounts): number {
  return counts.dropped + counts.errored;
}

/**
 * The q-th percentile (0..100) of latency over completed and unanswered requests together,
 * unanswered counted as +Infinity; null when there was no request at all.
 */
export function percentileWithUnansweredUs(latency: Histogram, unanswered: number, percentile: number): number | null {
  const completed = latency.totalCount;
  const total = completed + unanswered;
  if (total === 0) return null;
  // the smallest rank r with r / total >= percentile / 100 (the nearest-rank definition HDR uses)
  const rank = Math.max(1, Math.ceil((percentile / 100) * total));
  if (rank > completed) return Infinity;
  return valueAtPercentileUs(latency, (rank / completed) * 100);
}
