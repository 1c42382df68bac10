/**
 * One colour per variant, the same in every chart and in the HTML tables: known variants have a
 * fixed colour, others take the next free one in a fixed order, so a variant never changes colour
 * from chart to chart within a report.
 */

/** Tableau-10 hues: distinguishable, and readable on white. */
const FIXED: Record<string, string> = {
  baseline: '#4e79a7',
  ugsep: '#f28e2b',
  'ugsep-w8a16': '#59a14f',
  'ugsep-nocomp': '#e15759',
};
const SPARE = ['#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** The colour of each variant of a report, in first-seen order. */
export function variantColours(variants: readonly string[]): Map<string, string> {
  const colours = new Map<string, string>();
  let spare = 0;
  for (const v of variants) {
    if (colours.has(v)) continue;
    colours.set(v, FIXED[v] ?? SPARE[spare++ % SPARE.length]!);
  }
  return colours;
}

/** A Vega-Lite colour scale for a `variant` field: domain and range from the palette. */
export function variantScale(variants: readonly string[]): { domain: string[]; range: string[] } {
  const colours = variantColours(variants);
  return { domain: [...colours.keys()], range: [...colours.values()] };
}

/** The colour encoding every chart uses: field `variant`, the palette scale, one legend title. */
export function variantColour(variants: readonly string[]): { field: 'variant'; type: 'nominal'; title: string; scale: { domain: string[]; range: string[] } } {
  return { field: 'variant', type: 'nominal', title: 'variant', scale: variantScale(variants) };
}
