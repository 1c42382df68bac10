/** Named model sizes. Each has a one-line reason to exist; `small` is the default bench model. */
import { InputError } from '../harness/errors.ts';
import { parseConfig, type ModelConfig } from './config.ts';

export interface Preset {
  config: ModelConfig;
  rationale: string;
}

export const PRESETS = {
  tiny: {
    config: { T: 4, Tu: 2, D: 16, L: 2, k: 2, Fu: 8, Fg: 8 },
    rationale: 'unit tests: every code path in milliseconds',
  },
  small: {
    config: { T: 16, Tu: 8, D: 256, L: 2, k: 4, Fu: 256, Fg: 256 },
    rationale: 'the default bench: 1:1 user:group split as in the UG-Sep paper, runs in seconds on 2 cores',
  },
  wide: {
    config: { T: 16, Tu: 8, D: 1024, L: 2, k: 4, Fu: 512, Fg: 512 },
    rationale: 'memory-bound: ~1 GB of fp32 FFN weights, where int8 weights pay on few rows',
  },
  'rankmixer-100m': {
    config: { T: 16, Tu: 8, D: 768, L: 2, k: 4, Fu: 768, Fg: 768 },
    rationale: 'the published RankMixer-100M shape (T=16, D=768, L=2, k=4)',
  },
  'rankmixer-1b': {
    config: { T: 32, Tu: 16, D: 1536, L: 2, k: 4, Fu: 1536, Fg: 1536 },
    rationale: 'the published RankMixer-1B shape (T=32, D=1536, L=2, k=4); ~4.8 GB fp32',
  },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function presetConfig(name: string): ModelConfig {
  const preset = (PRESETS as Record<string, Preset>)[name];
  if (!preset) {
    throw new InputError('preset', [`preset: expected one of ${PRESET_NAMES.join(', ')}, got ${JSON.stringify(name)}`]);
  }
  return parseConfig(preset.config, `preset ${name}`);
}
