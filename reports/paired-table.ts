/**
 * The paired block, the model's headline (results `paired`, reports/paired.ts), written once for
 * every place that shows it: per candidate bucket (`all` last), n and each pair's service-time
 * speedup with its 95% bootstrap interval and the cost model's FLOP prediction. The console
 * block (formatPairedTable) is what `ugbench bench` prints first and `ugbench report` prints per
 * file: pairs that do not fit 100 columns go to a further block. The HTML report renders the
 * same table (pairedTable) whole.
 */
import type { PairedComparison, PairedSpeedup } from '../harness/results/contract.ts';
import { ALL_BUCKET, candidateBuckets, speedupPairs } from './paired.ts';

const WIDTH = 100;
const COLUMN = 27;

export interface PairedTable {
  /** what was compared */
  title: string;
  /** how it was run */
  subtitle: string;
  headers: string[];
  /** one per bucket: its label, n, then one cell per pair */
  rows: string[][];
  numeric: boolean[];
  /** what the cells mean: three lines */
  note: string[];
}

const x = (r: number): string => (Number.isFinite(r) ? r.toFixed(2) : '-');

/** '2.54 [2.41, 2.64] 3.05': ratio, interval, then the FLOP prediction when there is one */
function cell(s: PairedSpeedup | undefined): string {
  if (!s) return '-';
  const predicted = s.predictedFlopRatio === undefined ? '' : ` ${x(s.predictedFlopRatio)}`;
  return `${x(s.ratio)} [${x(s.lo95)}, ${x(s.hi95)}]${predicted}`;
}

/** The paired comparison as one table: a row per bucket, a column per (variant, over) pair. */
export function pairedTable(paired: PairedComparison): PairedTable {
  const pairs = speedupPairs(paired);
  const all = paired.buckets.find((b) => b.bucket === ALL_BUCKET);
  const buckets = [...candidateBuckets(paired), ...(all ? [all] : [])];
  const rows = buckets.map((b) => [b.bucket, String(b.n), ...pairs.map((p) => cell(b.speedups.find((s) => s.variant === p.variant && s.over === p.over)))]);
  const resamples = paired.buckets[0]?.speedups[0]?.resamples ?? 0;
  return {
    title: `paired service-time speedups on ${paired.runtime}: ${paired.samples.length} requests, each scored by ${paired.variants.join(', ')}`,
    subtitle: 'back to back (order rotating per request), cross-request user cache bypassed',
    headers: ['candidates', 'n', ...pairs.map((p) => `${p.variant}/${p.over} x`)],
    rows,
    numeric: [false, true, ...pairs.map(() => true)],
    note: [
      'A/B x = speedup of A over B: median service time of B / median of A over the bucket\'s requests;',
      `[lo, hi] = 95% bootstrap interval (${resamples} resamples, pairs kept together); last = the`,
      'cost model\'s FLOP ratio at the bucket\'s median candidate count. Open-loop runs follow.',
    ],
  };
}

/** Columns [from, to) of the pairs: the bucket and n columns, then those pairs' cells. */
function block(t: PairedTable, from: number, to: number): string[] {
  const bucketWidth = Math.max(t.headers[0]!.length, ...t.rows.map((r) => r[0]!.length));
  const nWidth = Math.max(3, ...t.rows.map((r) => r[1]!.length));
  const line = (r: readonly string[]): string => [r[0]!.padEnd(bucketWidth), r[1]!.padStart(nWidth), ...r.slice(2 + from, 2 + to).map((c) => c.padEnd(COLUMN))].join('  ').trimEnd();
  return [t.headers, ...t.rows].map(line);
}

/** The console block: the title, the table in blocks of the pairs that fit 100 columns, the note. */
export function formatPairedTable(paired: PairedComparison): string {
  const t = pairedTable(paired);
  const pairs = t.headers.length - 2;
  const perBlock = Math.max(1, Math.floor((WIDTH - 20) / (COLUMN + 2)));
  const out = [t.title, t.subtitle];
  for (let i = 0; i < pairs; i += perBlock) out.push('', ...block(t, i, i + perBlock));
  out.push('', ...t.note);
  return out.join('\n');
}
