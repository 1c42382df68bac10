/**
 * Latency p50 against candidates per request, one curve per run: each point is one candidate
 * bucket of the run (the `candidates` tag: one histogram per bucket), at the bucket's mean
 * candidates. Files without the tag fall back to one point per run at its plan's mean candidates
 * (a curve only across several files, e.g. a sweep of candidate counts). A point needs the 7
 * requests a p50 bound needs (harness/results/percentile-bound.ts); lone points become a table.
 */
import { requiredSamples } from '../../harness/results/percentile-bound.ts';
import { variantColour } from '../palette.ts';
import type { RunRow } from '../runs.ts';
import { chartFrame, logScaleOver, round, singlePointPerSeries, type Figure } from './spec.ts';

/** The tag key the load generator records the candidate bucket under. */
export const CANDIDATES_TAG = 'candidates';

interface Point {
  series: string;
  group: string;
  variant: string;
  bucket: string;
  candidates: number;
  latencyMs: number;
  n: number;
}

const P50_NEEDS = requiredSamples(50);

function bucketPoints(row: RunRow): Point[] {
  const buckets = row.run.tags?.[CANDIDATES_TAG] ?? {};
  return Object.entries(buckets)
    .filter(([, s]) => s.completed > 0 && s.latencyUs.summary.count >= P50_NEEDS)
    .map(([bucket, s]) => ({
      series: row.series,
      group: row.group,
      variant: row.variant,
      bucket,
      candidates: round(s.candidates / s.completed),
      latencyMs: round(s.latencyUs.summary.p50Us / 1000),
      n: s.latencyUs.summary.count,
    }));
}

function runPoint(row: RunRow): Point[] {
  const s = row.run.latencyUs.overall;
  if (s.count < P50_NEEDS) return [];
  return [{ series: row.series, group: row.group, variant: row.variant, bucket: 'all', candidates: round(row.meanCandidates), latencyMs: round(s.p50Us / 1000), n: s.count }];
}

export function latencyVsCandidatesChart(rows: RunRow[]): Figure | null {
  const tagged = rows.some((r) => Object.keys(r.run.tags?.[CANDIDATES_TAG] ?? {}).length > 0);
  const points = rows.flatMap((row) => (tagged ? bucketPoints(row) : runPoint(row))).sort((a, b) => a.candidates - b.candidates);
  if (points.length === 0) return null;
  const title = 'Latency p50 vs candidates per request';
  const how = tagged ? 'each point a candidate bucket of the run (its mean candidates)' : 'one point per run at its plan’s mean candidates';
  if (singlePointPerSeries(points, (p) => p.candidates, (p) => p.group)) {
    return {
      name: 'latency-vs-candidates',
      title,
      caption: `One candidate mix per run, so no curve: the table gives each run’s latency p50 and the requests it rests on (${how}).`,
      table: {
        headers: ['run', 'candidates', 'latency p50 ms', 'n'],
        rows: points.map((p) => [p.series, String(p.candidates), p.latencyMs.toFixed(2), String(p.n)]),
        numeric: [false, true, true, true],
      },
    };
  }
  return {
    name: 'latency-vs-candidates',
    title,
    caption: `Latency p50 (open loop: queueing included) against candidates per request, ${how}. Buckets with fewer than ${P50_NEEDS} requests are left out.`,
    spec: {
      ...chartFrame(title, how),
      data: { values: points },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'candidates', type: 'quantitative', title: 'candidates per request', scale: logScaleOver(points.map((p) => p.candidates)) },
        y: { field: 'latencyMs', type: 'quantitative', title: 'latency p50 (ms)', scale: { type: 'log' } },
        color: variantColour(rows.map((r) => r.variant)),
        detail: { field: 'group', type: 'nominal' },
        tooltip: [
          { field: 'series', type: 'nominal', title: 'run' },
          { field: 'bucket', type: 'nominal', title: 'bucket' },
          { field: 'candidates', type: 'quantitative', title: 'mean candidates' },
          { field: 'latencyMs', type: 'quantitative', title: 'latency p50 (ms)' },
          { field: 'n', type: 'quantitative', title: 'n (requests)' },
        ],
      },
    },
  };
}
