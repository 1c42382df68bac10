/**
 * The paired block printed first by `ugbench bench` (and by `ugbench compare --variants`): per
 * candidate bucket, n and each pair's service-time speedup with its 95% bootstrap interval and
 * the cost model's FLOP prediction. Pairs that do not fit 100 columns go to a further block.
 */
import type { PairedBucket, PairedComparison, PairedSpeedup } from '../../harness/results/contract.ts';

const WIDTH = 100;
const COLUMN = 27;

const x = (r: number): string => (Number.isFinite(r) ? r.toFixed(2) : '-');

function cell(s: PairedSpeedup | undefined): string {
  if (!s) return '-';
  const predicted = s.predictedFlopRatio === undefined ? '' : ` ${x(s.predictedFlopRatio)}`;
  return `${x(s.ratio)} [${x(s.lo95)}, ${x(s.hi95)}]${predicted}`;
}

function block(buckets: readonly PairedBucket[], pairs: readonly string[]): string[] {
  const bucketWidth = Math.max('candidates'.length, ...buckets.map((b) => b.bucket.length));
  const nWidth = Math.max(3, ...buckets.map((b) => String(b.n).length));
  const line = (first: string, n: string, cells: string[]): string => [first.padEnd(bucketWidth), n.padStart(nWidth), ...cells.map((c) => c.padEnd(COLUMN))].join('  ').trimEnd();
  const find = (b: PairedBucket, key: string): PairedSpeedup | undefined => b.speedups.find((s) => `${s.variant}/${s.over}` === key);
  return [line('candidates', 'n', pairs.map((p) => `${p} x`)), ...buckets.map((b) => line(b.bucket, String(b.n), pairs.map((p) => cell(find(b, p)))))];
}

export function formatPairedTable(paired: PairedComparison): string {
  const pairs = [...new Set(paired.buckets.flatMap((b) => b.speedups.map((s) => `${s.variant}/${s.over}`)))];
  const resamples = paired.buckets[0]?.speedups[0]?.resamples ?? 0;
  const out = [
    `paired service-time speedups on ${paired.runtime}: ${paired.samples.length} requests, each scored by ${paired.variants.join(', ')}`,
    'back to back (order rotating per request), cross-request user cache bypassed',
  ];
  const perBlock = Math.max(1, Math.floor((WIDTH - 20) / (COLUMN + 2)));
  for (let i = 0; i < pairs.length; i += perBlock) out.push('', ...block(paired.buckets, pairs.slice(i, i + perBlock)));
  out.push(
    '',
    'A/B x = speedup of A over B: median service time of B / median of A over the bucket\'s requests;',
    `[lo, hi] = 95% bootstrap interval (${resamples} resamples, pairs kept together); last = the`,
    'cost model\'s FLOP ratio at the bucket\'s median candidate count. Open-loop runs follow.',
  );
  return out.join('\n');
}
