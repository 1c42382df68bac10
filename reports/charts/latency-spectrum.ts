/** Latency percentile spectrum per run: latency (log) against 1/(1-p) (log), so the tail gets room. */
import { decodeLatencyHistogram, percentileSpectrum } from '../histograms.ts';
import { variantColour } from '../palette.ts';
import type { RunRow } from '../runs.ts';
import { chartFrame, round, type ChartSpec } from './spec.ts';

/** Axis ticks at p0, p50, p90, p99, p99.9, p99.99, p99.999 (1/(1-p) = 1, 2, 10, ...). */
const TICKS = [1, 2, 10, 100, 1000, 10000, 100000];
const TICK_LABELS = "datum.value == 1 ? 'p0' : datum.value == 2 ? 'p50' : datum.value == 10 ? 'p90' : datum.value == 100 ? 'p99' : datum.value == 1000 ? 'p99.9' : datum.value == 10000 ? 'p99.99' : 'p99.999'";

export function latencySpectrumChart(rows: RunRow[]): ChartSpec | null {
  const values = rows.flatMap((row) =>
    percentileSpectrum(decodeLatencyHistogram(row.run.histograms.overall)).map((p) => ({
      series: row.series,
      variant: row.variant,
      n: row.run.latencyUs.overall.count,
      percentile: p.percentile,
      inverseTail: round(p.inverseTail, 6),
      latencyMs: round(Math.max(p.latencyUs, 1) / 1000, 4),
    })),
  );
  if (values.length === 0) return null;
  const maxTail = Math.max(...values.map((v) => v.inverseTail));
  return {
    name: 'latency-spectrum',
    title: 'Latency percentile spectrum',
    caption:
      'Latency at each percentile, read from the HDR histograms (log-log). Each line ends at the highest percentile its requests support: one with a 99% upper bound (p90 needs 44 requests, p99 459, p99.9 4603).',
    spec: {
      ...chartFrame('Latency percentile spectrum', 'every measured request; lines end at the highest percentile their n supports'),
      data: { values },
      mark: { type: 'line', point: true, interpolate: 'step-after' },
      encoding: {
        x: {
          field: 'inverseTail',
          type: 'quantitative',
          title: 'percentile',
          scale: { type: 'log', domain: [1, Math.max(100, maxTail)] },
          axis: { values: TICKS.filter((t) => t <= Math.max(100, maxTail)), labelExpr: TICK_LABELS },
        },
        y: { field: 'latencyMs', type: 'quantitative', title: 'latency (ms)', scale: { type: 'log' } },
        color: variantColour(rows.map((r) => r.variant)),
        detail: { field: 'series', type: 'nominal' },
        tooltip: [
          { field: 'series', type: 'nominal', title: 'run' },
          { field: 'percentile', type: 'quantitative' },
          { field: 'latencyMs', type: 'quantitative', title: 'latency (ms)' },
          { field: 'n', type: 'quantitative', title: 'n (requests)' },
        ],
      },
    },
  };
}
