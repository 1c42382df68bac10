/** The model variants ugbench compares. See docs/model.md. */
import { InputError } from '../harness/errors.ts';

export const VARIANTS = ['baseline', 'ugsep', 'ugsep-nocomp', 'ugsep-w8a16'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface VariantTraits {
  /** user outputs never see group inputs (UG mask) */
  masked: boolean;
  /** information compensation adds z @ Wc[j] + bc[j] to group rows */
  compensation: boolean;
  /** FFN and compensation weights are int8 per output channel */
  int8Weights: boolean;
}

export const VARIANT_TRAITS: Record<Variant, VariantTraits> = {
  baseline: { masked: false, compensation: false, int8Weights: false },
  ugsep: { masked: true, compensation: true, int8Weights: false },
  'ugsep-nocomp': { masked: true, compensation: false, int8Weights: false },
  'ugsep-w8a16': { masked: true, compensation: true, int8Weights: true },
};

export function parseVariant(name: string, field = 'variant'): Variant {
  if ((VARIANTS as readonly string[]).includes(name)) return name as Variant;
  throw new InputError(field, [`${field}: expected one of ${VARIANTS.join(', ')}, got ${JSON.stringify(name)}`]);
}
