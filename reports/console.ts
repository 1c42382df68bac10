/**
 * The terminal output of a report, in the order a reader needs it: the paired speedups (the
 * model's headline), the one run table (reports/console-table.ts), score parity, then the
 * machine limits the roofline used. `ugbench bench` prints the tables itself, then only the limits.
 */
import type { MachineLimits } from '../harness/results/machine-limits.ts';
import { formatTable, runTable } from './console-table.ts';
import { deriveFigures, ridgePointFlopPerByte } from './derive.ts';
import { rooflineLimits } from '../harness/results/machine-limits.ts';
import { pairedOf } from './paired.ts';
import { formatPairedTable } from './paired-table.ts';
import { parityTable } from './parity.ts';
import type { RunRow } from './runs.ts';

export { formatTable } from './console-table.ts';

export interface ConsoleOptions {
  /** every column (`--wide`) */
  wide?: boolean;
  /** print the paired speedups (default true; `ugbench bench` prints its own block first) */
  paired?: boolean;
}

/** The paired block per file (reports/paired-table.ts, with its file's label when several), the run table, parity. */
export function consoleTables(rows: RunRow[], limits: MachineLimits | undefined, options: ConsoleOptions = {}): string {
  const out: string[] = [];
  const files = [...new Map(rows.map((r) => [r.fileIndex, r])).values()];
  for (const first of options.paired === false ? [] : files) {
    const paired = pairedOf(first.results);
    if (!paired || paired.buckets.length === 0) continue;
    out.push(`${first.source ? `${first.source}: ` : ''}${formatPairedTable(paired)}`, '');
  }
  out.push(runTable(rows, { wide: options.wide ?? false, ...(limits ? { limits } : {}) }));
  const parity = parityTable(rows);
  if (parity) out.push('', 'score parity of sampled responses (n = requests re-scored):', formatTable(parity.headers, parity.rows, parity.numeric));
  return `${out.join('\n')}\n`;
}

/** The limits line, and a warning when a run exceeds them (measured under load). */
export function consoleLimits(rows: RunRow[], limits: MachineLimits | undefined): string {
  const roof = rooflineLimits(limits);
  const limitsLine = roof
    ? `machine limits: GEMM ${roof.peakGflopPerS.toFixed(0)} GFLOP/s, bandwidth ${roof.peakGBPerS.toFixed(1)} GB/s, ridge ${ridgePointFlopPerByte(roof).toFixed(1)} FLOP/byte`
    : 'machine limits: not available for this machine (run `ugbench limits`): no % of peak, no bound';
  const doubts = rows.flatMap((row) => {
    const doubt = deriveFigures(row, limits)?.limitsDoubt;
    return doubt ? [`warning: ${row.series}: ${doubt}\n`] : [];
  });
  const warning = doubts.join('');
  return `${limitsLine}\n${warning}`;
}

export function consoleSummary(rows: RunRow[], limits: MachineLimits | undefined, options: ConsoleOptions = {}): string {
  return `${consoleTables(rows, limits, options)}\n${consoleLimits(rows, limits)}`;
}
