/** Weights from a file (bring your own) or from a preset and a seed. */
import { presetConfig } from '../presets.ts';
import { VARIANT_TRAITS, type Variant } from '../variants.ts';
import { generateWeights } from './generate.ts';
import type { ModelWeights } from './layout.ts';
import { readSafetensors } from './safetensors.ts';
import type { ModelConfig } from '../config.ts';

export interface WeightsSource {
  /** safetensors file following the contract; wins over preset/config */
  weightsPath?: string;
  /** preset name, used when no file and no explicit config */
  preset?: string;
  /** explicit config, used when no file */
  config?: ModelConfig;
  /** generator seed; default 1 */
  seed?: number;
}

/** Load or generate weights. Generated weights include compensation tensors when any variant needs them. */
export function loadWeights(source: WeightsSource, variants: readonly Variant[]): ModelWeights {
  if (source.weightsPath) return readSafetensors(source.weightsPath);
  const config = source.config ?? presetConfig(source.preset ?? 'small');
  const compensation = variants.some((v) => VARIANT_TRAITS[v].compensation);
  return generateWeights(config, { seed: source.seed ?? 1, compensation });
}
