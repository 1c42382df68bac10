/**
 * The weights contract: tensor names and shapes exactly as docs/model.md lists them.
 * One table drives generation, safetensors writing and reading, so the three cannot disagree.
 */
import { derive, type ModelConfig } from '../config.ts';

export interface LayerWeights {
  ln1Weight: Float32Array; // [D]
  ln1Bias: Float32Array; // [D]
  w1: Float32Array; // [T, D, kD]
  b1: Float32Array; // [T, kD]
  w2: Float32Array; // [T, kD, D]
  b2: Float32Array; // [T, D]
  ln2Weight: Float32Array; // [D]
  ln2Bias: Float32Array; // [D]
  /** Information compensation (ugsep only): absent in a baseline weights file. */
  compWeight?: Float32Array; // [Tg, D, D]
  compBias?: Float32Array; // [Tg, D]
}

export interface ModelWeights {
  config: ModelConfig;
  tokUserWeight: Float32Array; // [Tu, Fu/Tu, D]
  tokUserBias: Float32Array; // [Tu, D]
  tokGroupWeight: Float32Array; // [Tg, Fg/Tg, D]
  tokGroupBias: Float32Array; // [Tg, D]
  layers: LayerWeights[];
  headWeight: Float32Array; // [D]
  headBias: Float32Array; // [1]
}

export interface TensorSpec {
  name: string;
  shape: number[];
  /** true for the compensation tensors, present only in files written for ugsep */
  compensation: boolean;
  get(w: ModelWeights): Float32Array | undefined;
  set(w: ModelWeights, data: Float32Array): void;
}

/** Every tensor of the contract for this config, in file order. */
export function tensorSpecs(config: ModelConfig): TensorSpec[] {
  const { T, Tu, Tg, D, H, cu, cg, L } = derive(config);
  const specs: TensorSpec[] = [
    top('tokenizer.user.weight', [Tu, cu, D], 'tokUserWeight'),
    top('tokenizer.user.bias', [Tu, D], 'tokUserBias'),
    top('tokenizer.group.weight', [Tg, cg, D], 'tokGroupWeight'),
    top('tokenizer.group.bias', [Tg, D], 'tokGroupBias'),
  ];
  for (let n = 0; n < L; n++) {
    specs.push(
      layer(n, 'ln1.weight', [D], 'ln1Weight'),
      layer(n, 'ln1.bias', [D], 'ln1Bias'),
      layer(n, 'ffn.w1', [T, D, H], 'w1'),
      layer(n, 'ffn.b1', [T, H], 'b1'),
      layer(n, 'ffn.w2', [T, H, D], 'w2'),
      layer(n, 'ffn.b2', [T, D], 'b2'),
      layer(n, 'ln2.weight', [D], 'ln2Weight'),
      layer(n, 'ln2.bias', [D], 'ln2Bias'),
      layer(n, 'comp.weight', [Tg, D, D], 'compWeight', true),
      layer(n, 'comp.bias', [Tg, D], 'compBias', true),
    );
  }
  specs.push(top('head.weight', [D], 'headWeight'), top('head.bias', [1], 'headBias'));
  return specs;
}

type TopKey = 'tokUserWeight' | 'tokUserBias' | 'tokGroupWeight' | 'tokGroupBias' | 'headWeight' | 'headBias';

function top(name: string, shape: number[], key: TopKey): TensorSpec {
  return {
    name,
    shape,
    compensation: false,
    get: (w) => w[key],
    set: (w, data) => {
      w[key] = data;
    },
  };
}

function layer(n: number, suffix: string, shape: number[], key: keyof LayerWeights, compensation = false): TensorSpec {
  return {
    name: `layers.${n}.${suffix}`,
    shape,
    compensation,
    get: (w) => w.layers[n]?.[key],
    set: (w, data) => {
      const target = w.layers[n];
      if (target) target[key] = data;
    },
  };
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** An empty weights object of the right structure, filled by a generator or a file reader. */
export function emptyWeights(config: ModelConfig): ModelWeights {
  const empty = new Float32Array(0);
  return {
    config,
    tokUserWeight: empty,
    tokUserBias: empty,
    tokGroupWeight: empty,
    tokGroupBias: empty,
    layers: Array.from({ length: config.L }, () => ({
      ln1Weight: empty,
      ln1Bias: empty,
      w1: empty,
      b1: empty,
      w2: empty,
      b2: empty,
      ln2Weight: empty,
      ln2Bias: empty,
    })),
    headWeight: empty,
    headBias: empty,
  };
}

export function hasCompensation(w: ModelWeights): boolean {
  return w.layers.every((layer) => layer.compWeight !== undefined && layer.compBias !== undefined);
}
