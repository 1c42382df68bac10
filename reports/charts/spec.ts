/**
 * What every chart shares: the Vega-Lite spec type, the schema URL (an identifier only: specs are
 * validated offline against the schema shipped in node_modules), and the font config that makes
 * text render identically in the browser, in vega's SVG and in resvg's PNG.
 */
import type { TopLevelSpec } from 'vega-lite';

export const VEGA_LITE_SCHEMA_URL = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The font embedded in every spec and loaded into resvg from the dejavu-fonts-ttf package. */
export const CHART_FONT = 'DejaVu Sans';

export interface ChartSpec {
  /** file stem: `${name}.vl.json`, `${name}.svg`, `${name}.png` */
  name: string;
  title: string;
  /** one sentence under the chart in the HTML: how to read it, and what is missing */
  caption: string;
  spec: TopLevelSpec;
}

export const CHART_CONFIG = {
  font: CHART_FONT,
  background: 'white',
  title: { font: CHART_FONT, fontSize: 14, anchor: 'start' as const },
  axis: { labelFont: CHART_FONT, titleFont: CHART_FONT, grid: true },
  legend: { labelFont: CHART_FONT, titleFont: CHART_FONT, labelLimit: 320 },
  view: { stroke: '#888' },
};

/** The top-level fields every chart has. */
export function chartFrame(title: string, subtitle?: string): { $schema: string; title: { text: string; subtitle?: string }; width: number; height: number; config: typeof CHART_CONFIG } {
  return {
    $schema: VEGA_LITE_SCHEMA_URL,
    title: subtitle ? { text: title, subtitle } : { text: title },
    width: 560,
    height: 320,
    config: CHART_CONFIG,
  };
}

/** Round for display in data and tooltips, so specs stay readable. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const scale = 10 ** Math.max(0, digits - Math.floor(Math.log10(Math.abs(value))) - 1);
  return Math.round(value * scale) / scale;
}

/** What a figure becomes when its data would be a single point per series on empty axes. */
export interface FigureTable {
  name: string;
  title: string;
  caption: string;
  table: { headers: string[]; rows: string[][]; numeric: boolean[] };
}

export type Figure = ChartSpec | FigureTable;

export function isTable(figure: Figure): figure is FigureTable {
  return 'table' in figure;
}

/** True when no series has two distinct x values: a chart would be lone points, so draw a table. */
export function singlePointPerSeries<T>(values: readonly T[], x: (v: T) => number, series: (v: T) => string): boolean {
  const xs = new Map<string, Set<number>>();
  for (const v of values) {
    const key = series(v);
    const set = xs.get(key) ?? new Set<number>();
    set.add(x(v));
    xs.set(key, set);
  }
  return [...xs.values()].every((set) => set.size <= 1);
}

/** A log scale over the data only: Vega's nice log domain would run to the next power of ten. */
export function logScaleOver(values: readonly number[]): { type: 'log'; domain: number[]; nice: false } {
  return { type: 'log', domain: [round(Math.min(...values) / 1.25), round(Math.max(...values) * 1.25)], nice: false };
}
