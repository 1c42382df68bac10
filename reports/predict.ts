/**
 * For version 1 results files only (no `model` facts): the predicted ugsep speedup from the
 * flattened model shape they recorded (runtime.details.modelConfig). Version 2 files carry the
 * cost coefficients and are read through harness/results/model.ts. FFN FLOPs per token per layer f = 4 k D^2:
 *   baseline = N L T f;  ugsep = L f (Tu + N Tg) + L Tg 2 D^2 (compensation, once per request)
 *   speedup(N) = N T / (Tu + N Tg + Tg / (2k))      (the ablation drops the Tg / (2k) term)
 * This restates docs/model.md (FFN and compensation only; tokenizer and head are O(D) per
 * row and ignored), because reports/ may not import models/.
 */

export interface SpeedupShape {
  T: number;
  Tu: number;
  k: number;
}

/** The shape fields the formula needs, or null when the results did not record them. */
export function speedupShape(config: Record<string, number> | null): SpeedupShape | null {
  if (!config) return null;
  const { T, Tu, k } = config;
  return T !== undefined && Tu !== undefined && k !== undefined && T > Tu && k > 0 ? { T, Tu, k } : null;
}

export function predictedSpeedup(shape: SpeedupShape, candidates: number, compensation: boolean): number {
  const Tg = shape.T - shape.Tu;
  return (candidates * shape.T) / (shape.Tu + candidates * Tg + (compensation ? Tg / (2 * shape.k) : 0));
}

/** ugsep-family variants are the ones with a user pass to share; the ablation has no compensation. */
export function isSplitVariant(variant: string): boolean {
  return variant.startsWith('ugsep');
}
export function hasCompensation(variant: string): boolean {
  return !variant.includes('nocomp');
}
