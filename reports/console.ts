/** The terminal summary: the summary table in aligned columns, the limits used, and where the files are. */
import type { MachineLimits } from '../harness/results/machine-limits.ts';
import { deriveFigures, ridgePointFlopPerByte, rooflineLimits } from './derive.ts';
import type { RunRow } from './runs.ts';
import { SUMMARY_COLUMNS, summaryRows } from './summary.ts';
import { tagTable } from './tags.ts';

/** Columns that fit a terminal; the HTML report has them all. */
const CONSOLE_COLUMNS = ['run', 'status', 'req/s', 'p50 ms', 'p99 ms', 'hit rate', 'FLOP/B', 'busy GFLOP/s', '% GEMM peak', 'bound'];

export function formatTable(headers: string[], rows: string[][], numeric: boolean[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function consoleSummary(rows: RunRow[], limits: MachineLimits | undefined): string {
  const all = summaryRows(rows, limits);
  const indices = CONSOLE_COLUMNS.map((h) => SUMMARY_COLUMNS.findIndex((c) => c.header === h));
  const table = formatTable(
    indices.map((i) => SUMMARY_COLUMNS[i]!.header),
    all.map((r) => indices.map((i) => r[i] ?? '')),
    indices.map((i) => SUMMARY_COLUMNS[i]!.numeric),
  );
  const roof = rooflineLimits(limits);
  const limitsLine = roof
    ? `machine limits: GEMM ${roof.peakGflopPerS.toFixed(0)} GFLOP/s, bandwidth ${roof.peakGBPerS.toFixed(1)} GB/s, ridge ${ridgePointFlopPerByte(roof).toFixed(1)} FLOP/byte`
    : 'machine limits: not available for this machine (run `ugbench limits`): no % of peak, no bound';
  const doubts = rows.flatMap((row) => {
    const doubt = deriveFigures(row, limits)?.limitsDoubt;
    return doubt ? [`warning: ${row.series}: ${doubt}\n`] : [];
  });
  const warning = doubts.join('');
  const tags = tagTable(rows);
  const byTag = tags.rows.length > 0 ? `\nby tag:\n${formatTable(tags.headers, tags.rows, tags.numeric)}\n` : '';
  return `${table}\n${byTag}${limitsLine}\n${warning}busy GFLOP/s = FLOPs per request / mean latency; GPU memory utilisation: not available unless read from a driver\n`;
}
