/**
 * Roofline: each run at (arithmetic intensity, busy-time GFLOP/s) under this machine's measured
 * roofs (large-GEMM GFLOP/s flat, memory bandwidth x intensity sloped). Without measured limits the
 * points are drawn alone and the caption says so. Points take their variant's colour
 * (reports/palette.ts, as in every chart); where a variant has several runs, the shape tells them apart.
 */
import { rooflineLimits, type MachineLimits, type RooflineLimits } from '../../harness/results/machine-limits.ts';
import { attainableGflopPerS, deriveFigures, int8Roof, ridgePointFlopPerByte, type DerivedFigures } from '../derive.ts';
import { variantColour } from '../palette.ts';
import type { RunRow } from '../runs.ts';
import { chartFrame, round, type ChartSpec } from './spec.ts';

type Layer = NonNullable<Extract<ChartSpec['spec'], { layer: unknown }>['layer']>[number];

export function rooflineChart(rows: RunRow[], limits: MachineLimits | undefined): ChartSpec | null {
  const figures = rows.map((row) => deriveFigures(row, limits)).filter((f) => f !== null);
  if (figures.length === 0) return null;
  const points = figures.map((f) => ({
    series: f.series,
    variant: f.variant,
    intensity: round(f.arithmeticIntensityFlopPerByte),
    gflopPerS: round(f.busyGflopPerS),
    bound: f.bound ?? 'unknown',
    fractionOfAttainable: f.fractionOfAttainable === null ? null : round(f.fractionOfAttainable),
    roof: f.roof ?? 'none',
    streamingGBPerS: f.streamingGBPerS === null ? null : round(f.streamingGBPerS),
    limits: f.limitsDoubt === null ? 'trusted' : 'not trustworthy (run above its roof)',
  }));
  const roof = rooflineLimits(limits);
  const intensities = points.map((p) => p.intensity);
  const xMin = Math.min(0.1, ...intensities.map((i) => i / 4));
  const xMax = Math.max(roof ? ridgePointFlopPerByte(roof) * 8 : 100, ...intensities.map((i) => i * 4));
  const layers: Layer[] = [];
  if (roof) {
    const ridge = ridgePointFlopPerByte(roof);
    const roofLine = [xMin, ridge, xMax].map((x) => ({ intensity: round(x, 6), gflopPerS: round(attainableGflopPerS(roof, x), 6) }));
    layers.push({
      data: { values: roofLine },
      mark: { type: 'line', color: '#444', strokeWidth: 2 },
      encoding: {
        x: { field: 'intensity', type: 'quantitative' },
        y: { field: 'gflopPerS', type: 'quantitative' },
      },
    });
    layers.push(...int8RoofLayers(roof, figures, xMax));
    layers.push(...cacheRoofLayers(roof, figures, xMin));
    // Roof labels: the flat one above its line, right of the ridge; the sloped one above-left of
    // its line and right-aligned, so the line (falling to the left) never crosses the text.
    const slopeLabelX = Math.sqrt(xMin * ridge);
    layers.push({
      data: { values: [{ intensity: round(ridge * 1.3, 6), gflopPerS: round(roof.peakGflopPerS, 6), label: `GEMM ${roof.peakGflopPerS.toFixed(0)} GFLOP/s` }] },
      mark: { type: 'text', align: 'left', dy: -10, color: '#444' },
      encoding: { x: { field: 'intensity', type: 'quantitative' }, y: { field: 'gflopPerS', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
    });
    layers.push({
      data: { values: [{ intensity: round(slopeLabelX, 6), gflopPerS: round(roof.peakGBPerS * slopeLabelX, 6), label: `${roof.peakGBPerS.toFixed(1)} GB/s` }] },
      mark: { type: 'text', align: 'right', dx: -6, dy: -6, color: '#444' },
      encoding: { x: { field: 'intensity', type: 'quantitative' }, y: { field: 'gflopPerS', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
    });
  }
  layers.push({
    data: { values: points },
    mark: { type: 'point', size: 90, filled: true, opacity: 1 }, // the palette's colour itself, as the other charts' points
    encoding: {
      x: { field: 'intensity', type: 'quantitative', title: 'arithmetic intensity (FLOP/byte)', scale: { type: 'log', domain: [round(xMin, 6), round(xMax, 6)] } },
      y: { field: 'gflopPerS', type: 'quantitative', title: 'GFLOP/s while busy', scale: { type: 'log' } },
      color: variantColour(rows.map((r) => r.variant)),
      ...(new Set(points.map((p) => p.variant)).size < points.length ? { shape: { field: 'series', type: 'nominal', title: 'run' } } : {}),
      tooltip: [
        { field: 'series', type: 'nominal', title: 'run' },
        { field: 'variant', type: 'nominal' },
        { field: 'intensity', type: 'quantitative', title: 'FLOP/byte' },
        { field: 'gflopPerS', type: 'quantitative', title: 'GFLOP/s' },
        { field: 'bound', type: 'nominal' },
        { field: 'fractionOfAttainable', type: 'quantitative', title: 'of attainable' },
        { field: 'roof', type: 'nominal' },
        { field: 'streamingGBPerS', type: 'quantitative', title: 'its weights stream at (GB/s)' },
        { field: 'limits', type: 'nominal' },
      ],
    },
  });
  const subtitle = roof
    ? `roofs measured here: ${roof.peakGflopPerS.toFixed(0)} GFLOP/s, ${roof.peakGBPerS.toFixed(1)} GB/s, ridge ${ridgePointFlopPerByte(roof).toFixed(1)} FLOP/byte`
    : 'no measured limits for this machine (run ugbench limits): points only';
  return {
    name: 'roofline',
    title: 'Roofline',
    caption: captionOf(figures, roof),
    spec: { ...chartFrame('Roofline', subtitle), layer: layers },
  };
}

function captionOf(figures: readonly DerivedFigures[], roof: RooflineLimits | null): string {
  return (
    'Each run at its cost-model arithmetic intensity and its FLOPs per request / mean latency. Left of the ridge a run is memory-bound, right of it compute-bound.' +
    ' int8-weight runs count weights at 1 byte and sit under the int8 roof (dashed) where it is higher.' +
    (figures.some((f) => f.streamingGBPerS !== null && roof !== null && f.streamingGBPerS !== roof.peakGBPerS)
      ? " Each run's memory slope is the bandwidth measured at its weights' working set (dotted where that is not the DRAM figure)."
      : '') +
    (roof ? '' : ' Limits were not available, so no roofs are drawn.') +
    (figures.some((f) => f.limitsDoubt !== null) ? ' Some runs sit more than 10% above their roof: the limits are not trustworthy (see the derived figures table).' : '')
  );
}

/**
 * A dotted memory slope for each working-set bandwidth a run streams at, other than the DRAM one
 * (reports/derive.ts). Labels keep clear of the lines, which rise to the right: a slope above
 * DRAM's is labelled above-left of itself, right-aligned, right of the DRAM label; one below is
 * labelled below-right of itself, left-aligned.
 */
function cacheRoofLayers(roof: RooflineLimits, figures: readonly DerivedFigures[], xMin: number): Layer[] {
  const slopes = [...new Set(figures.map((f) => f.streamingGBPerS).filter((g): g is number => g !== null && g !== roof.peakGBPerS))];
  const dramLabelX = Math.sqrt(xMin * ridgePointFlopPerByte(roof));
  return slopes.flatMap((gbPerS): Layer[] => {
    const ridge = roof.peakGflopPerS / gbPerS;
    const line = [xMin, ridge].map((x) => ({ intensity: round(x, 6), gflopPerS: round(Math.min(roof.peakGflopPerS, x * gbPerS), 6) }));
    const above = gbPerS > roof.peakGBPerS;
    const labelX = above ? Math.min(ridge, dramLabelX * 3) : xMin * 1.5;
    const label = [{ intensity: round(labelX, 6), gflopPerS: round(labelX * gbPerS, 6), label: `${gbPerS.toFixed(1)} GB/s (working set)` }];
    const xy = { x: { field: 'intensity', type: 'quantitative' }, y: { field: 'gflopPerS', type: 'quantitative' } } as const;
    const placement = above ? ({ align: 'right', dx: -6, dy: -6 } as const) : ({ align: 'left', dx: 6, dy: 12 } as const);
    return [
      { data: { values: line }, mark: { type: 'line', color: '#444', strokeWidth: 1, strokeDash: [2, 3] }, encoding: xy },
      { data: { values: label }, mark: { type: 'text', ...placement, color: '#444' }, encoding: { ...xy, text: { field: 'label', type: 'nominal' } } },
    ];
  });
}

/** The dashed int8 roof, when int8-weight runs are drawn and the int8 GEMM ceiling is above the fp32 one. */
function int8RoofLayers(roof: RooflineLimits, figures: readonly DerivedFigures[], xMax: number): Layer[] {
  const int8 = int8Roof(roof);
  if (!(int8.peakGflopPerS > roof.peakGflopPerS) || !figures.some((f) => f.roof === 'int8')) return [];
  const int8Ridge = ridgePointFlopPerByte(int8);
  return [
    {
      data: { values: [int8Ridge, xMax].map((x) => ({ intensity: round(x, 6), gflopPerS: round(attainableGflopPerS(int8, x), 6) })) },
      mark: { type: 'line', color: '#444', strokeWidth: 1.5, strokeDash: [6, 4] },
      encoding: { x: { field: 'intensity', type: 'quantitative' }, y: { field: 'gflopPerS', type: 'quantitative' } },
    },
    {
      data: { values: [{ intensity: round(int8Ridge * 1.3, 6), gflopPerS: round(int8.peakGflopPerS, 6), label: `int8 GEMM ${int8.peakGflopPerS.toFixed(0)} Gop/s` }] },
      mark: { type: 'text', align: 'left', dy: -10, color: '#444' },
      encoding: { x: { field: 'intensity', type: 'quantitative' }, y: { field: 'gflopPerS', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
    },
  ];
}
