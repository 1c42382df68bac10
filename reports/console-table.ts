/**
 * The one console table of runs, shared by `ugbench bench`, `merge` and `report`: by default the
 * columns that fit 100 characters (lower-priority ones are dropped until it fits), `--wide` for
 * every column. Percentiles carry their n (column `n`, `*` where it cannot support them).
 */
import type { MachineLimits } from '../harness/results/machine-limits.ts';
import { deriveFigures } from './derive.ts';
import { latencyN, ms, percentileMs, percentileNotes } from './percentiles.ts';
import type { RunRow } from './runs.ts';
import { offeredQps } from './charts/throughput-vs-load.ts';

export const CONSOLE_WIDTH = 100;

interface Column {
  header: string;
  numeric: boolean;
  /** default table (true), or `--wide` only */
  standard: boolean;
  /** dropped first (lowest) when the default table is too wide */
  priority: number;
  cell: (row: RunRow, ctx: Context) => string;
}

interface Context {
  rows: readonly RunRow[];
  limits: MachineLimits | undefined;
}

function baselineOf(row: RunRow, rows: readonly RunRow[]): RunRow | undefined {
  const base = rows.find((b) => b.fileIndex === row.fileIndex && b.runtime === row.runtime && b.variant === 'baseline');
  return base === row ? undefined : base;
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a !== undefined && b !== undefined && b > 0 ? (a / b).toFixed(2) : '';
}

const pct = (f: number | null | undefined): string => (f === null || f === undefined ? '-' : `${(f * 100).toFixed(1)}%`);

const latency = (p: number, pick: (r: RunRow) => number) => (row: RunRow): string => percentileMs(pick(row), p, latencyN(row.run));

const COLUMNS: Column[] = [
  { header: 'run', numeric: false, standard: true, priority: 99, cell: (r) => r.series },
  { header: 'model', numeric: false, standard: false, priority: 0, cell: (r) => String(r.run.runtime.details.model ?? '') },
  { header: 'exec', numeric: false, standard: false, priority: 0, cell: (r) => (r.run.executor.kind === 'open' ? `${r.run.executor.arrival}@${r.run.executor.targetQps}` : r.run.executor.kind === 'closed' ? `closed x${r.run.executor.concurrency}` : 'offline') },
  { header: 'n', numeric: true, standard: true, priority: 98, cell: (r) => String(latencyN(r.run)) },
  { header: 'p50 ms', numeric: true, standard: true, priority: 97, cell: latency(50, (r) => r.run.latencyUs.overall.p50Us) },
  { header: 'p90 ms', numeric: true, standard: false, priority: 0, cell: latency(90, (r) => r.run.latencyUs.overall.p90Us) },
  { header: 'p99 ms', numeric: true, standard: true, priority: 96, cell: latency(99, (r) => r.run.latencyUs.overall.p99Us) },
  { header: 'p99.9 ms', numeric: true, standard: false, priority: 0, cell: latency(99.9, (r) => r.run.latencyUs.overall.p999Us) },
  { header: 'max ms', numeric: true, standard: true, priority: 40, cell: (r) => (latencyN(r.run) > 0 ? ms(r.run.latencyUs.overall.maxUs) : '-') },
  { header: 'offered/s', numeric: true, standard: false, priority: 0, cell: (r) => (r.run.executor.targetQps === null ? '-' : offeredQps(r).toFixed(1)) },
  { header: 'req/s', numeric: true, standard: true, priority: 90, cell: (r) => r.run.throughput.requestsPerS.toFixed(1) },
  { header: 'cand/s', numeric: true, standard: false, priority: 0, cell: (r) => r.run.throughput.candidatesPerS.toFixed(0) },
  { header: 'hit', numeric: true, standard: true, priority: 60, cell: (r) => (r.run.observedHitRate === null ? '-' : pct(r.run.observedHitRate)) },
  { header: 'late', numeric: true, standard: true, priority: 35, cell: (r) => String(r.run.counts.lateStarts) },
  { header: 'lost', numeric: true, standard: true, priority: 30, cell: (r) => String(r.run.counts.dropped + r.run.counts.errored) },
  { header: 'drop', numeric: true, standard: false, priority: 0, cell: (r) => String(r.run.counts.dropped) },
  { header: 'err', numeric: true, standard: false, priority: 0, cell: (r) => String(r.run.counts.errored) },
  { header: 'svc p50 ms', numeric: true, standard: true, priority: 80, cell: (r) => { const s = r.run.sutTimingsUs?.service; return s ? percentileMs(s.p50Us, 50, s.count) : '-'; } },
  { header: 'model x', numeric: true, standard: true, priority: 85, cell: (r, c) => ratio(baselineOf(r, c.rows)?.run.sutTimingsUs?.service?.p50Us, r.run.sutTimingsUs?.service?.p50Us) },
  { header: 'system x', numeric: true, standard: true, priority: 84, cell: (r, c) => ratio(baselineOf(r, c.rows)?.run.latencyUs.overall.p50Us, r.run.latencyUs.overall.p50Us) },
  { header: 'GFLOP/s', numeric: true, standard: false, priority: 0, cell: (r) => (r.run.cost ? r.run.cost.achievedGflopPerS.toFixed(2) : '-') },
  { header: 'busy GFLOP/s', numeric: true, standard: false, priority: 0, cell: (r, c) => deriveFigures(r, c.limits)?.busyGflopPerS.toFixed(1) ?? '-' },
  { header: '% GEMM peak', numeric: true, standard: false, priority: 0, cell: (r, c) => pct(deriveFigures(r, c.limits)?.busyFractionOfPeakGflop) },
  { header: 'bound', numeric: false, standard: false, priority: 0, cell: (r, c) => deriveFigures(r, c.limits)?.bound ?? '-' },
  { header: 'SLO', numeric: false, standard: true, priority: 70, cell: (r) => (r.run.slo ? (r.run.slo.met ? 'met' : 'MISSED') : '-') },
  { header: 'validity', numeric: false, standard: true, priority: 95, cell: (r) => (r.run.validity.status === 'valid' ? 'valid' : r.run.validity.status.toUpperCase()) },
];

export function formatTable(headers: string[], rows: string[][], numeric: boolean[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function widthOf(table: string): number {
  return Math.max(...table.split('\n').map((l) => l.length));
}

/** The run table: standard columns dropped by priority until it fits `maxWidth`, or every column when wide. */
export function runTable(rows: readonly RunRow[], options: { wide?: boolean; limits?: MachineLimits; maxWidth?: number } = {}): string {
  const ctx: Context = { rows, limits: options.limits };
  let columns = COLUMNS.filter((c) => options.wide || c.standard);
  const render = (cols: Column[]): string => formatTable(cols.map((c) => c.header), rows.map((r) => cols.map((c) => c.cell(r, ctx))), cols.map((c) => c.numeric));
  let table = render(columns);
  const maxWidth = options.maxWidth ?? CONSOLE_WIDTH;
  while (!options.wide && widthOf(table) > maxWidth && columns.length > 2) {
    const lowest = columns.reduce((a, b) => (b.priority < a.priority ? b : a));
    columns = columns.filter((c) => c !== lowest);
    table = render(columns);
  }
  const percentiles = columns.flatMap((c) => { const m = /^p([\d.]+) ms$/.exec(c.header); return m ? [Number(m[1])] : []; });
  const notes = percentileNotes(rows, percentiles);
  return [table, ...notes, ...planLines(rows)].join('\n');
}

/** The offered rate once per file (every run of a file replays its plan): what the plan realised, beside the nominal rate. */
function planLines(rows: readonly RunRow[]): string[] {
  const files = [...new Map(rows.filter((r) => r.run.executor.targetQps !== null).map((r) => [r.fileIndex, r])).values()];
  return files.map((r) => {
    const p = r.results.plan;
    return `${r.source ? `${r.source}: ` : ''}plan: ${p.measuredArrivals} arrivals in ${p.durationS} s = ${offeredQps(r).toFixed(2)} req/s offered (nominal ${r.run.executor.arrival} ${r.run.executor.targetQps}/s), ${p.meanCandidates.toFixed(1)} candidates/request`;
  });
}
