/**
 * Seeded weights. The distribution (documented in docs/model.md "The weights file"):
 * - every matrix W with fan-in `f` (tokenizer chunk, D, kD) is N(0, 1/f): each output has unit
 *   variance for unit-variance inputs, so pre-LN activations stay O(1);
 * - compensation matrices are N(0, 0.25/D) (a correction, smaller than the main path);
 * - biases N(0, 0.02^2); LayerNorm gains 1 + N(0, 0.05^2), shifts N(0, 0.02^2);
 * - head weight N(0, 1/D): pooled rows are O(1/sqrt(T)) per coordinate after the mean, so
 *   logits land around N(0, ~0.5^2) and scores spread over roughly (0.2, 0.8) without saturating.
 * Tensors are drawn in contract order from one Rng stream per tensor name, so adding the
 * compensation tensors (ugsep) leaves every other tensor identical to the baseline file.
 */
import { Rng } from '../../harness/rng.ts';
import type { ModelConfig } from '../config.ts';
import { elementCount, emptyWeights, tensorSpecs, type ModelWeights } from './layout.ts';

export interface GenerateOptions {
  seed: number;
  /** include layers.{n}.comp.* (needed by ugsep and ugsep-w8a16); default true */
  compensation?: boolean;
}

export function generateWeights(config: ModelConfig, options: GenerateOptions): ModelWeights {
  const withComp = options.compensation ?? true;
  const weights = emptyWeights(config);
  for (const spec of tensorSpecs(config)) {
    if (spec.compensation && !withComp) continue;
    const rng = new Rng(`${options.seed}:${spec.name}`);
    const data = new Float32Array(elementCount(spec.shape));
    spec.set(weights, fill(rng, spec.name, spec.shape, data, config));
  }
  return weights;
}

function fill(rng: Rng, name: string, shape: number[], out: Float32Array, config: ModelConfig): Float32Array {
  if (name.endsWith('ln1.weight') || name.endsWith('ln2.weight')) return rng.fillNormal(out, 0.05, 1);
  if (name === 'head.weight') return rng.fillNormal(out, 1 / Math.sqrt(config.D));
  if (name.endsWith('comp.weight')) return rng.fillNormal(out, 0.5 / Math.sqrt(config.D));
  if (shape.length === 3) {
    const fanIn = shape[1]!; // [tokens, fanIn, fanOut]
    return rng.fillNormal(out, 1 / Math.sqrt(fanIn));
  }
  return rng.fillNormal(out, 0.02); // biases, LN shifts
}
