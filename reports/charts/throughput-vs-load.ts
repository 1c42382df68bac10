/**
 * Achieved throughput against the offered load as the plan realised it (measured arrivals /
 * measured window: a Poisson plan of nominal 10 req/s may offer 9.6), open-loop runs only. One
 * results file holds one rate, so a curve needs a sweep; one rate per run becomes a table.
 */
import { variantColour } from '../palette.ts';
import type { RunRow } from '../runs.ts';
import { chartFrame, round, singlePointPerSeries, type Figure } from './spec.ts';

/** Requests per second the plan offered in the measured window. */
export function offeredQps(row: RunRow): number {
  const durationS = row.results.plan.durationS;
  return durationS > 0 ? row.run.counts.planned / durationS : 0;
}

export function throughputVsLoadChart(rows: RunRow[]): Figure | null {
  const points = rows
    .filter((row) => row.run.executor.targetQps !== null)
    .map((row) => ({
      series: row.series,
      group: row.group,
      variant: row.variant,
      nominalQps: row.run.executor.targetQps ?? 0,
      offeredQps: round(offeredQps(row)),
      achievedQps: round(row.run.throughput.requestsPerS),
      offeredRaw: offeredQps(row),
      achievedRaw: row.run.throughput.requestsPerS,
      n: row.run.counts.planned,
    }));
  if (points.length === 0) return null;
  const title = 'Throughput vs offered load (as the plan realised it)';
  if (singlePointPerSeries(points, (p) => p.offeredQps, (p) => p.group)) {
    return {
      name: 'throughput-vs-load',
      title,
      caption: 'One offered rate per run, so no curve (a rate sweep, `ugbench sweep`, draws one): offered = the plan’s measured arrivals / measured window.',
      table: {
        headers: ['run', 'nominal req/s', 'offered req/s', 'completed req/s', 'planned requests'],
        rows: points.map((p) => [p.series, String(p.nominalQps), p.offeredRaw.toFixed(2), p.achievedRaw.toFixed(2), String(p.n)]),
        numeric: [false, true, true, true, true],
      },
    };
  }
  const maxQps = Math.max(...points.map((p) => Math.max(p.offeredQps, p.achievedQps)));
  const diagonal = [
    { offeredQps: 0, achievedQps: 0 },
    { offeredQps: round(maxQps * 1.1), achievedQps: round(maxQps * 1.1) },
  ];
  return {
    name: 'throughput-vs-load',
    title,
    caption: 'Completed requests per second against the rate the plan offered (its measured arrivals / measured window); points under the grey diagonal did not keep up.',
    spec: {
      ...chartFrame(title, 'open-loop runs; grey diagonal = completed equals offered'),
      layer: [
        {
          data: { values: diagonal },
          mark: { type: 'line', color: '#bbb', strokeDash: [4, 4] },
          encoding: { x: { field: 'offeredQps', type: 'quantitative' }, y: { field: 'achievedQps', type: 'quantitative' } },
        },
        {
          data: { values: points.map(({ offeredRaw: _o, achievedRaw: _a, ...p }) => p) },
          mark: { type: 'line', point: { size: 60 } },
          encoding: {
            x: { field: 'offeredQps', type: 'quantitative', title: 'offered load (requests/s, as planned)' },
            y: { field: 'achievedQps', type: 'quantitative', title: 'completed (requests/s)' },
            color: variantColour(rows.map((r) => r.variant)),
            detail: { field: 'group', type: 'nominal' },
            tooltip: [
              { field: 'series', type: 'nominal', title: 'run' },
              { field: 'nominalQps', type: 'quantitative', title: 'nominal (req/s)' },
              { field: 'offeredQps', type: 'quantitative', title: 'offered (req/s)' },
              { field: 'achievedQps', type: 'quantitative', title: 'completed (req/s)' },
              { field: 'n', type: 'quantitative', title: 'planned requests' },
            ],
          },
        },
      ],
    },
  };
}
