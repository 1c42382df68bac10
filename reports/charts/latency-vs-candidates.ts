/**
 * p50 and p99 latency against candidates per request. Results hold one histogram per run, not one
 * per candidate count, so each run contributes one point at its plan's mean candidates; a curve
 * needs several results files (a sweep of candidate counts) passed together.
 */
import type { RunRow } from '../runs.ts';
import { chartFrame, round, type ChartSpec } from './spec.ts';

export function latencyVsCandidatesChart(rows: RunRow[]): ChartSpec | null {
  const values = rows.flatMap((row) => [
    { group: row.group, candidates: round(row.meanCandidates), statistic: 'p50', latencyMs: round(row.run.latencyUs.overall.p50Us / 1000) },
    { group: row.group, candidates: round(row.meanCandidates), statistic: 'p99', latencyMs: round(row.run.latencyUs.overall.p99Us / 1000) },
  ]);
  const completed = values.filter((v) => v.latencyMs > 0);
  if (completed.length === 0) return null;
  const distinctCandidates = new Set(completed.map((v) => v.candidates)).size;
  return {
    name: 'latency-vs-candidates',
    title: 'Latency vs candidates per request',
    caption:
      distinctCandidates > 1
        ? 'p50 (solid) and p99 (dashed) latency at each run’s mean candidates per request.'
        : 'One candidate mix only: each run is one point at its mean candidates per request. Pass several results files (a sweep of candidate counts) for a curve.',
    spec: {
      ...chartFrame('Latency vs candidates per request', 'p50 solid, p99 dashed; x = mean candidates of the plan'),
      data: { values: completed },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'candidates', type: 'quantitative', title: 'candidates per request (mean)', scale: { type: 'log' } },
        y: { field: 'latencyMs', type: 'quantitative', title: 'latency (ms)', scale: { type: 'log' } },
        color: { field: 'group', type: 'nominal', title: 'run' },
        strokeDash: { field: 'statistic', type: 'nominal', title: 'statistic' },
        shape: { field: 'statistic', type: 'nominal', title: 'statistic' },
        tooltip: [
          { field: 'group', type: 'nominal', title: 'run' },
          { field: 'statistic', type: 'nominal' },
          { field: 'candidates', type: 'quantitative' },
          { field: 'latencyMs', type: 'quantitative', title: 'latency (ms)' },
        ],
      },
    },
  };
}
