/**
 * The reuse surface drawn: mean service time against candidates, measured cells as points and
 * the fitted model as lines, one colour per variant and one line/point shape per hit rate. Built
 * with the reports' chart frame (font, sizes) and palette, rendered by the reports' SVG/PNG path.
 */
import type { ReuseSurface } from '../../harness/results/contract.ts';
import { predictServiceUs } from '../../harness/results/surface.ts';
import { chartFrame, round, type ChartSpec } from '../../reports/charts/spec.ts';
import { variantColour } from '../../reports/palette.ts';

export const hitLabel = (hitRate: number | null): string => (hitRate === null ? 'no cache' : `hit ${hitRate}`);
const seriesOf = (v: { variant: string; runtime: string }): string => `${v.variant}@${v.runtime}`;

/** One row per plotted mark: `measured` points (one per cell) and `fitted` line vertices. */
export interface SurfaceChartRow {
  kind: 'measured' | 'fitted';
  /** the facet: `${variant}@${runtime}` */
  series: string;
  variant: string;
  hit: string;
  candidates: number;
  serviceMs: number;
  n?: number;
  realisedHitRate?: number | 'n/a';
  inFit?: 'yes' | 'no';
}

export function surfaceChartValues(surface: ReuseSurface): SurfaceChartRow[] {
  const measured = surface.variants.flatMap((v) =>
    v.cells
      .filter((c) => c.n > 0)
      .map((c): SurfaceChartRow => ({ kind: 'measured', series: seriesOf(v), variant: v.variant, hit: hitLabel(c.targetHitRate), candidates: c.candidates, serviceMs: c.serviceUs.meanUs / 1000, n: c.n, realisedHitRate: c.hitRate ?? 'n/a', inFit: c.used ? 'yes' : 'no' })),
  );
  const fitted = surface.variants.flatMap((v) => {
    const fit = v.fit;
    if (!fit) return [];
    const hits: (number | null)[] = v.cacheUsed ? surface.grid.hitRates : [null];
    return hits.flatMap((h) => surface.grid.candidates.map((n): SurfaceChartRow => ({ kind: 'fitted', series: seriesOf(v), variant: v.variant, hit: hitLabel(h), candidates: n, serviceMs: round(predictServiceUs(fit, n, h ?? 0) / 1000, 4) })));
  });
  return [...measured, ...fitted];
}

/** One panel per variant (own y scale: the variants differ by up to an order of magnitude). */
export function surfaceChart(surface: ReuseSurface): ChartSpec {
  const color = variantColour(surface.variants.map((v) => v.variant)); // the reports' palette: one colour per variant
  const x = { field: 'candidates', type: 'quantitative', title: 'candidates per request (N)' } as const;
  const y = { field: 'serviceMs', type: 'quantitative', title: 'mean service time (ms)' } as const;
  const r2 = surface.variants.map((v) => `${seriesOf(v)} R² ${v.fit?.r2 == null ? 'n/a' : v.fit.r2.toFixed(3)}`).join(', ');
  const frame = chartFrame('Mean service time vs candidates: measured (points) and fitted (lines)', 't = a + b·N + (1 − hit)·c_user, one line style per hit rate; faint points are left out of the fit');
  return {
    name: 'surface',
    title: 'Mean service time vs candidates: measured and fitted',
    caption: `Points: each cell's mean service time (closed loop, one request in flight, warm); lines: the least-squares fit t = a + b·N + (1 − hit)·c_user at each hit rate. ${r2}.`,
    spec: {
      $schema: frame.$schema,
      title: frame.title,
      config: frame.config,
      data: { values: surfaceChartValues(surface) },
      facet: { field: 'series', type: 'nominal', title: null, sort: surface.variants.map(seriesOf) },
      columns: Math.min(3, Math.max(1, surface.variants.length)),
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 300,
        height: 240,
        layer: [
          {
            transform: [{ filter: "datum.kind === 'fitted'" }],
            mark: { type: 'line', strokeWidth: 1.5 },
            encoding: { x, y, color, strokeDash: { field: 'hit', type: 'nominal', title: 'hit rate' }, detail: { field: 'hit', type: 'nominal' } },
          },
          {
            transform: [{ filter: "datum.kind === 'measured'" }],
            mark: { type: 'point', filled: true, size: 50 },
            encoding: {
              x,
              y,
              color,
              shape: { field: 'hit', type: 'nominal', title: 'hit rate' },
              opacity: { condition: { test: "datum.inFit === 'no'", value: 0.3 }, value: 1 },
              tooltip: [
                { field: 'series', type: 'nominal', title: 'variant' },
                { field: 'hit', type: 'nominal', title: 'target' },
                { field: 'realisedHitRate', title: 'realised hit rate' },
                { field: 'candidates', type: 'quantitative' },
                { field: 'serviceMs', type: 'quantitative', title: 'mean service (ms)' },
                { field: 'n', type: 'quantitative', title: 'requests' },
                { field: 'inFit', type: 'nominal', title: 'in fit' },
              ],
            },
          },
        ],
      },
    },
  };
}
