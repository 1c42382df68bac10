import type { Register } from '../main.ts';
import { integerOption, choiceOption } from '../options.ts';
import { PRESET_NAMES, presetConfig } from '../../models/presets.ts';
import { VARIANTS, VARIANT_TRAITS, type Variant } from '../../models/variants.ts';
import { generateWeights } from '../../models/weights/generate.ts';
import { writeSafetensors } from '../../models/weights/safetensors.ts';

export const registerWeights: Register = (program) => {
  program
    .command('weights')
    .description('write seeded weights as a safetensors file (the contract of docs/model.md)')
    .requiredOption('--out <file>', 'output .safetensors path')
    .option('--preset <name>', `model size: ${PRESET_NAMES.join(', ')}`, choiceOption(PRESET_NAMES), 'small')
    .option('--variant <name>', `variant the file is for (ugsep variants add compensation tensors): ${VARIANTS.join(', ')}`, choiceOption(VARIANTS), 'ugsep')
    .option('--seed <n>', 'generator seed', integerOption(0), 1)
    .action((opts: { out: string; preset: string; variant: Variant; seed: number }) => {
      const config = presetConfig(opts.preset);
      const weights = generateWeights(config, { seed: opts.seed, compensation: VARIANT_TRAITS[opts.variant].compensation });
      writeSafetensors(opts.out, weights, { generator: `ugbench seed=${opts.seed} preset=${opts.preset}` });
      process.stderr.write(`wrote ${opts.out} (preset ${opts.preset}, variant ${opts.variant}, seed ${opts.seed})\n`);
    });
};
