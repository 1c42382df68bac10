/**
 * The user-state cache: hit vs miss latency per run (p50, p99), and the what-if p99 across hit
 * rates, mixing the hit and miss histograms as h F_hit + (1 - h) F_miss. Only runs that used a
 * cross-request cache have these histograms.
 */
import { unsupportedNote } from '../../harness/results/percentile-bound.ts';
import { decodeLatencyHistogram, mixtureQuantilesUs } from '../histograms.ts';
import { variantColour } from '../palette.ts';
import type { RunRow } from '../runs.ts';
import { chartFrame, round, type ChartSpec } from './spec.ts';

function cachedRows(rows: RunRow[]): RunRow[] {
  return rows.filter((r) => r.run.userCache.used && r.run.histograms.cacheHit !== null && r.run.histograms.cacheMiss !== null && (r.run.latencyUs.cacheHit?.count ?? 0) > 0 && (r.run.latencyUs.cacheMiss?.count ?? 0) > 0);
}

export function hitMissLatencyChart(rows: RunRow[]): ChartSpec | null {
  const values = cachedRows(rows).flatMap((row) =>
    (['hit', 'miss'] as const).map((outcome) => {
      const s = outcome === 'hit' ? row.run.latencyUs.cacheHit! : row.run.latencyUs.cacheMiss!;
      return { series: row.series, variant: row.variant, outcome, latencyMs: round(s.p50Us / 1000), count: s.count };
    }),
  );
  if (values.length === 0) return null;
  return {
    name: 'cache-hit-miss',
    title: 'Latency p50 of user-cache hits and misses',
    caption: 'Cross-request user-state caching is ugbench’s addition, not the paper’s: a hit skips the user pass. Pale bars: hits; full bars: misses; n per bar in the tooltip.',
    spec: {
      ...chartFrame('Latency p50 of user-cache hits and misses', 'per run; pale = hits (skip the user pass), full = misses'),
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'series', type: 'nominal', title: null },
        yOffset: { field: 'outcome', type: 'nominal' },
        x: { field: 'latencyMs', type: 'quantitative', title: 'latency p50 (ms)' },
        color: variantColour(rows.map((r) => r.variant)),
        opacity: { field: 'outcome', type: 'ordinal', title: 'user state', scale: { domain: ['hit', 'miss'], range: [0.45, 1] } },
        tooltip: [
          { field: 'series', type: 'nominal', title: 'run' },
          { field: 'outcome', type: 'nominal' },
          { field: 'latencyMs', type: 'quantitative', title: 'latency p50 (ms)' },
          { field: 'count', type: 'quantitative', title: 'n (requests)' },
        ],
      },
      width: 420,
      height: { step: 14 },
    },
  };
}

export const WHAT_IF_HIT_RATES = Array.from({ length: 21 }, (_v, i) => i / 20);

export function whatIfP99Chart(rows: RunRow[]): ChartSpec | null {
  const cached = cachedRows(rows);
  if (cached.length === 0) return null;
  const values = cached.flatMap((row) => {
    const hit = decodeLatencyHistogram(row.run.histograms.cacheHit!);
    const miss = decodeLatencyHistogram(row.run.histograms.cacheMiss!);
    const p99Us = mixtureQuantilesUs(hit, miss, WHAT_IF_HIT_RATES, 99);
    return WHAT_IF_HIT_RATES.map((h, i) => ({ series: row.series, variant: row.variant, hitRate: h, p99Ms: round(p99Us[i]! / 1000) }));
  });
  const observed = cached
    .filter((row) => row.run.observedHitRate !== null)
    .map((row) => ({ series: row.series, variant: row.variant, hitRate: round(row.run.observedHitRate!), p99Ms: round(row.run.latencyUs.overall.p99Us / 1000), n: row.run.latencyUs.overall.count }));
  const colour = variantColour(rows.map((r) => r.variant));
  const thin = cached.map((row) => unsupportedNote(99, row.run.latencyUs.overall.count)).find((n) => n !== null);
  return {
    name: 'what-if-p99',
    title: 'What-if p99 across cache hit rates',
    caption:
      'p99 a different hit rate would give, mixing this run’s hit and miss latency histograms (queueing held as measured). Large points: the hit rate and p99 actually observed.' +
      (thin ? ` Estimates only: ${thin} for a 99% upper bound.` : ''),
    spec: {
      ...chartFrame('What-if p99 across user-cache hit rates', 'lines: h·hit + (1−h)·miss histograms; large points: observed'),
      layer: [
        {
          data: { values },
          mark: { type: 'line', point: { size: 20 } },
          encoding: {
            x: { field: 'hitRate', type: 'quantitative', title: 'user-cache hit rate', axis: { format: '%' } },
            y: { field: 'p99Ms', type: 'quantitative', title: 'p99 latency (ms)' },
            color: colour,
            detail: { field: 'series', type: 'nominal' },
            tooltip: [{ field: 'series', type: 'nominal', title: 'run' }, { field: 'hitRate', type: 'quantitative', format: '.0%' }, { field: 'p99Ms', type: 'quantitative', title: 'p99 (ms)' }],
          },
        },
        {
          data: { values: observed },
          mark: { type: 'point', size: 140, filled: true, stroke: 'black' },
          encoding: {
            x: { field: 'hitRate', type: 'quantitative' },
            y: { field: 'p99Ms', type: 'quantitative' },
            color: colour,
            tooltip: [{ field: 'series', type: 'nominal', title: 'run' }, { field: 'p99Ms', type: 'quantitative', title: 'observed p99 (ms)' }, { field: 'n', type: 'quantitative', title: 'n (requests)' }],
          },
        },
      ],
    },
  };
}
