/**
 * The headline of a bench: the paired service-time speedups per candidate bucket (reports/paired.ts),
 * as table data for the console and the HTML: one row per bucket, one column per (variant, over)
 * pair, each cell the median ratio with its 95% bootstrap interval; n = paired requests.
 */
import type { BenchResults } from '../harness/results/contract.ts';
import { ALL_BUCKET, candidateBuckets, formatSpeedup, pairedOf, speedupPairs } from './paired.ts';

export interface PairedTable {
  title: string;
  headers: string[];
  rows: string[][];
  numeric: boolean[];
  note: string;
}

export function pairedTable(results: BenchResults): PairedTable | null {
  const paired = pairedOf(results);
  if (!paired || paired.buckets.length === 0) return null;
  const pairs = speedupPairs(paired);
  const all = paired.buckets.find((b) => b.bucket === ALL_BUCKET);
  const buckets = [...candidateBuckets(paired), ...(all ? [all] : [])];
  const rows = buckets.map((b) => [
    b.bucket,
    String(b.n),
    ...pairs.map((p) => {
      const s = b.speedups.find((x) => x.variant === p.variant && x.over === p.over);
      return s ? formatSpeedup(s) : '-';
    }),
  ]);
  const resamples = paired.buckets.flatMap((b) => b.speedups.map((s) => s.resamples))[0] ?? 0;
  return {
    title: 'paired service-time speedup per candidate bucket: median ratio [95% bootstrap interval]',
    headers: ['candidates', 'n', ...pairs.map((p) => `${p.variant} / ${p.over}`)],
    rows,
    numeric: [false, true, ...pairs.map(() => true)],
    note: `n = paired requests, each scored by every variant back to back (order rotated) on an idle\ninstance, user cache bypassed; ratio = median service time of the second / of the first;\ninterval: ${resamples} bootstrap resamples, pairs kept together (seed ${paired.seed}).`,
  };
}
