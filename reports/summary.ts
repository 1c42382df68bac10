/**
 * The summary table as data: one row per run with the numbers people compare, shared by the
 * console summary and the HTML report so both always say the same thing.
 */
import type { MachineLimits } from '../harness/results/machine-limits.ts';
import { deriveFigures } from './derive.ts';
import { offeredQps } from './charts/throughput-vs-load.ts';
import { latencyN, percentileMs } from './percentiles.ts';

/** What a fraction of peak reads when the run sits above its roof (derive.ts limitsDoubt). */
export const UNTRUSTED = 'limits not trustworthy';
import type { RunRow } from './runs.ts';

export interface SummaryColumn {
  header: string;
  /** right-aligned numbers, left-aligned text */
  numeric: boolean;
}

export const SUMMARY_COLUMNS: SummaryColumn[] = [
  { header: 'run', numeric: false },
  { header: 'status', numeric: false },
  { header: 'precision (w/a)', numeric: false },
  { header: 'completed', numeric: true },
  { header: 'n', numeric: true },
  { header: 'offered req/s', numeric: true },
  { header: 'req/s', numeric: true },
  { header: 'p50 ms', numeric: true },
  { header: 'p90 ms', numeric: true },
  { header: 'p99 ms', numeric: true },
  { header: 'p99.9 ms', numeric: true },
  { header: 'hit rate', numeric: true },
  { header: 'GFLOP/req', numeric: true },
  { header: 'MB/req', numeric: true },
  { header: 'FLOP/B', numeric: true },
  { header: 'busy GFLOP/s', numeric: true },
  { header: '% GEMM peak', numeric: true },
  { header: '% bandwidth', numeric: true },
  { header: 'bound', numeric: false },
];

const pct = (f: number | null): string => (f === null ? 'n/a' : `${(f * 100).toFixed(1)}%`);

export function summaryRows(rows: RunRow[], limits: MachineLimits | undefined): string[][] {
  return rows.map((row) => {
    const r = row.run;
    const f = deriveFigures(row, limits);
    const status = r.validity.status + (r.slo ? (r.slo.met ? ', SLO met' : ', SLO missed') : '');
    return [
      row.series,
      status,
      `${r.runtime.weightPrecision} / ${r.runtime.activationPrecision}`,
      `${r.counts.completed}/${r.counts.planned}`,
      String(latencyN(r)),
      r.executor.targetQps === null ? '-' : offeredQps(row).toFixed(2),
      r.throughput.requestsPerS.toFixed(1),
      percentileMs(r.latencyUs.overall.p50Us, 50, latencyN(r)),
      percentileMs(r.latencyUs.overall.p90Us, 90, latencyN(r)),
      percentileMs(r.latencyUs.overall.p99Us, 99, latencyN(r)),
      percentileMs(r.latencyUs.overall.p999Us, 99.9, latencyN(r)),
      r.observedHitRate === null ? '-' : pct(r.observedHitRate),
      f ? (f.flopsPerRequest / 1e9).toFixed(2) : 'n/a',
      f ? (f.bytesPerRequest / 1e6).toFixed(1) : 'n/a',
      f ? f.arithmeticIntensityFlopPerByte.toFixed(1) : 'n/a',
      f ? f.busyGflopPerS.toFixed(1) : 'n/a',
      f ? (f.limitsDoubt ? UNTRUSTED : pct(f.busyFractionOfPeakGflop)) : 'n/a',
      f ? (f.limitsDoubt ? UNTRUSTED : pct(f.busyFractionOfPeakBandwidth)) : 'n/a',
      f?.bound ?? 'n/a',
    ];
  });
}
