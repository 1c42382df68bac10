import type { Register } from '../main.ts';
import { PRESETS } from '../../models/presets.ts';
import { requestCost } from '../../models/cost.ts';

export const registerPresets: Register = (program) => {
  program
    .command('presets')
    .description('list the named model sizes with their shapes and fp32 weight size')
    .action(() => {
      for (const [name, preset] of Object.entries(PRESETS)) {
        const cost = requestCost({ config: preset.config, variant: 'ugsep', candidates: 1 });
        const shape = Object.entries(preset.config).map(([k, v]) => `${k}=${v}`).join(' ');
        process.stdout.write(`${name.padEnd(15)} ${shape.padEnd(52)} ~${(cost.weightBytes / 2 ** 20).toFixed(0)} MiB fp32  ${preset.rationale}\n`);
      }
    });
};
