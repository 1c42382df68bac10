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
import type { ScoringRuntime } from '../../models/runtimes/runtime.ts';
import type { ModelConfig } from '../../models/config.ts';
import { onnxSpecFromOptions, type OnnxCliOptions } from './onnx-options.ts';

interface ScoreOpts extends OnnxCliOptions {
  weights?: string;
  request: string;
  variant: Variant;
  runtime: RuntimeName;
}

export const registerScore: Register = (program) => {
  program
    .command('score')
    .description('score one request file and print the scores as a JSON array on stdout')
    .option('--weights <file>', 'safetensors weights file (any file that follows the contract)')
    .option('--onnx <file>', 'your own whole ONNX model instead of --weights (docs/own-model.md); runs on onnxruntime')
    .option('--onnx-user <file>', 'your own split model: the user graph (with --onnx-group)')
    .option('--onnx-group <file>', 'your own split model: the group graph (with --onnx-user)')
    .option('--onnx-names <map>', 'graph names of the contract tensors when they differ, e.g. user_features=u,group_features=g,scores=out')
    .requiredOption('--request <file>', 'JSON {"user_features": [Fu], "group_features": [[Fg], ...]}')
    .option('--variant <name>', `model variant: ${VARIANTS.join(', ')}`, choiceOption(VARIANTS), 'ugsep')
    .option('--runtime <name>', `runtime: ${RUNTIME_NAMES.join(', ')}`, choiceOption(RUNTIME_NAMES), 'reference')
    .action(async (opts: ScoreOpts) => {
      const model = await scoringModel(opts);
      // the request is checked before any runtime is built: a bad request is named first
      const request = parseScoreRequest(readJson(opts.request), model.config, `request file ${opts.request}`);
      const runtime = await model.create();
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

/** The built-in family from --weights, or a user's ONNX model (always onnxruntime, CPU): its shape, and how to build it. */
async function scoringModel(opts: ScoreOpts): Promise<{ config: ModelConfig; create: () => Promise<ScoringRuntime> }> {
  const onnx = onnxSpecFromOptions(opts, 'score');
  if (onnx) {
    if (opts.weights !== undefined) throw new InputError('score', ['--weights: expected either --weights or --onnx/--onnx-user/--onnx-group, got both']);
    const { loadExternalModel } = await import('../../models/external/model.ts');
    const { createExternalOrtRuntime, featureShape } = await import('../../models/external/ort-runtime.ts');
    const model = loadExternalModel(onnx);
    return { config: featureShape(model.Fu, model.Fg), create: () => createExternalOrtRuntime(model) };
  }
  if (opts.weights === undefined) throw new InputError('score', ['--weights: expected a safetensors file, or --onnx FILE (or --onnx-user U --onnx-group G) for your own model, got none']);
  const weights = readSafetensors(opts.weights);
  return { config: weights.config, create: () => createRuntime(opts.runtime, weights, opts.variant, {}) };
}

function readJson(path: string): unknown {
  // the largest string V8 holds: a longer file could not be parsed as JSON anyway
  const text = readRegularTextFile(path, `request file ${path}`, 'JSON file', constants.MAX_STRING_LENGTH);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`request file ${path}`, [`json: expected valid JSON, got ${(error as Error).message}`]);
  }
}
