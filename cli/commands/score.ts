import { constants } from 'node:buffer';
import { readRegularTextFile } from '../../harness/input-file.ts';
import { nonFiniteProblem } from '../../models/finite.ts';
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
        // finite weights and float32 inputs can still overflow inside the model: never print null scores
        const nonFinite = nonFiniteProblem('scores', scores);
        if (nonFinite) throw new InputError(`request file ${opts.request}`, [`${nonFinite} (the model overflowed float32 on these inputs)`]);
        process.stdout.write(`${JSON.stringify(Array.from(scores))}\n`);
      } finally {
        await runtime.dispose();
      }
    });
};

function readJson(path: string): unknown {
  // the largest string V8 holds: a longer file could not be parsed as JSON anyway
  const text = readRegularTextFile(path, `request file ${path}`, 'JSON file', constants.MAX_STRING_LENGTH);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`request file ${path}`, [`json: expected valid JSON, got ${(error as Error).message}`]);
  }
}
