/**
 * Achieved throughput against offered load (open-loop target rate). One results file holds one
 * rate; a saturation curve needs a sweep of files. The diagonal is "kept up with the load".
 */
import type { RunRow } from '../runs.ts';
import { chartFrame, round, type ChartSpec } from './spec.ts';

export function throughputVsLoadChart(rows: RunRow[]): ChartSpec | null {
  const points = rows
    .filter((row) => row.run.executor.targetQps !== null)
    .map((row) => ({
      group: row.group,
      offeredQps: round(row.run.executor.targetQps ?? 0),
      achievedQps: round(row.run.throughput.requestsPerS),
      p99Ms: round(row.run.latencyUs.overall.p99Us / 1000),
    }));
  if (points.length === 0) return null;
  const maxQps = Math.max(...points.map((p) => Math.max(p.offeredQps, p.achievedQps)));
  const diagonal = [
    { offeredQps: 0, achievedQps: 0 },
    { offeredQps: round(maxQps * 1.1), achievedQps: round(maxQps * 1.1) },
  ];
  const rates = new Set(points.map((p) => p.offeredQps)).size;
  return {
    name: 'throughput-vs-load',
    title: 'Throughput vs offered load',
    caption:
      rates > 1
        ? 'Completed requests per second at each open-loop target rate; points under the grey diagonal did not keep up.'
        : 'One offered rate only (pass several results files from a rate sweep for a saturation curve); points under the grey diagonal did not keep up.',
    spec: {
      ...chartFrame('Throughput vs offered load', 'open-loop runs; grey diagonal = achieved equals offered'),
      layer: [
        {
          data: { values: diagonal },
          mark: { type: 'line', color: '#bbb', strokeDash: [4, 4] },
          encoding: {
            x: { field: 'offeredQps', type: 'quantitative' },
            y: { field: 'achievedQps', type: 'quantitative' },
          },
        },
        {
          data: { values: points },
          mark: { type: 'line', point: { size: 60 } },
          encoding: {
            x: { field: 'offeredQps', type: 'quantitative', title: 'offered load (requests/s)' },
            y: { field: 'achievedQps', type: 'quantitative', title: 'completed (requests/s)' },
            color: { field: 'group', type: 'nominal', title: 'run' },
            tooltip: [
              { field: 'group', type: 'nominal', title: 'run' },
              { field: 'offeredQps', type: 'quantitative', title: 'offered (req/s)' },
              { field: 'achievedQps', type: 'quantitative', title: 'completed (req/s)' },
              { field: 'p99Ms', type: 'quantitative', title: 'p99 (ms)' },
            ],
          },
        },
      ],
    },
  };
}
