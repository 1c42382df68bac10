import { readFileSync } from 'node:fs';
import type { Register } from '../main.ts';
import { choiceOption } from '../options.ts';
import { InputError } from '../../harness/errors.ts';
import { VARIANTS, type Variant } from '../../models/variants.ts';
import { readSafetensors } from '../../models/weights/safetensors.ts';
import { parseScoreRequest } from '../../models/request-file.ts';
import { RUNTIME_NAMES, createRuntime, type RuntimeName } from '../../models/runtimes/registry.ts';

export const registerScore: Register = (program) => {
  program
    .command('score')
    .description('score one request file and print the scores as a JSON array on stdout')
    .requiredOption('--weights <file>', 'safetensors weights file (any file that follows the contract)')
    .requiredOption('--request <file>', 'JSON {"user_features": [Fu], "group_features": [[Fg], ...]}')
    .option('--variant <name>', `model variant: ${VARIANTS.join(', ')}`, choiceOption(VARIANTS), 'ugsep')
    .option('--runtime <name>', `runtime: ${RUNTIME_NAMES.join(', ')}`, choiceOption(RUNTIME_NAMES), 'reference')
    .action(async (opts: { weights: string; request: string; variant: Variant; runtime: RuntimeName }) => {
      const weights = readSafetensors(opts.weights);
      const request = parseScoreRequest(readJson(opts.request), weights.config, `request file ${opts.request}`);
      const runtime = await createRuntime(opts.runtime, weights, opts.variant, {});
      try {
        const scores = await runtime.score(request.userFeatures, request.groupFeatures);
        process.stdout.write(`${JSON.stringify(Array.from(scores))}\n`);
      } finally {
        await runtime.dispose();
      }
    });
};

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`request file ${path}`, [`file: expected a readable JSON file, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`request file ${path}`, [`json: expected valid JSON, got ${(error as Error).message}`]);
  }
}
