/**
 * ModelWeights as TF.js tensors, one 2-D tensor per token for every per-token matrix. Separate
 * tensors (not slices of a [T, K, N] stack made per call) let the wasm backend keep each
 * weight's packed form between calls, and keep every product 2-D (see ops.ts `linear`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { derive } from '../config.ts';
import type { ModelWeights } from '../weights/layout.ts';

export interface TfjsLayerWeights {
  ln1Weight: tf.Tensor1D; // [D]
  ln1Bias: tf.Tensor1D; // [D]
  w1: tf.Tensor2D[]; // T x [D, H]
  b1: tf.Tensor1D[]; // T x [H]
  w2: tf.Tensor2D[]; // T x [H, D]
  b2: tf.Tensor1D[]; // T x [D]
  ln2Weight: tf.Tensor1D; // [D]
  ln2Bias: tf.Tensor1D; // [D]
  /** undefined when the variant has no compensation */
  compWeight: tf.Tensor2D[] | undefined; // Tg x [D, D]
  compBias: tf.Tensor1D[] | undefined; // Tg x [D]
}

export interface TfjsWeights {
  tokUserWeight: tf.Tensor2D[]; // Tu x [cu, D]
  tokUserBias: tf.Tensor1D[]; // Tu x [D]
  tokGroupWeight: tf.Tensor2D[]; // Tg x [cg, D]
  tokGroupBias: tf.Tensor1D[]; // Tg x [D]
  layers: TfjsLayerWeights[];
  headWeight: tf.Tensor2D; // [D, 1]
  headBias: tf.Tensor1D; // [1]
  /** 1 everywhere except user heads h < Tu over group columns t >= Tu (the UG mask): [T, D] */
  mixupMask: tf.Tensor2D;
}

/** Upload weights; `compensation` false drops the comp tensors (baseline, ugsep-nocomp). */
export function uploadWeights(weights: ModelWeights, compensation: boolean): TfjsWeights {
  const { T, Tu, Tg, D, H, cu, cg } = derive(weights.config);
  return {
    tokUserWeight: matrices(weights.tokUserWeight, Tu, cu, D),
    tokUserBias: vectors(weights.tokUserBias, Tu, D),
    tokGroupWeight: matrices(weights.tokGroupWeight, Tg, cg, D),
    tokGroupBias: vectors(weights.tokGroupBias, Tg, D),
    layers: weights.layers.map((layer) => ({
      ln1Weight: tf.tensor1d(layer.ln1Weight),
      ln1Bias: tf.tensor1d(layer.ln1Bias),
      w1: matrices(layer.w1, T, D, H),
      b1: vectors(layer.b1, T, H),
      w2: matrices(layer.w2, T, H, D),
      b2: vectors(layer.b2, T, D),
      ln2Weight: tf.tensor1d(layer.ln2Weight),
      ln2Bias: tf.tensor1d(layer.ln2Bias),
      compWeight: compensation && layer.compWeight ? matrices(layer.compWeight, Tg, D, D) : undefined,
      compBias: compensation && layer.compBias ? vectors(layer.compBias, Tg, D) : undefined,
    })),
    headWeight: tf.tensor2d(weights.headWeight, [D, 1]),
    headBias: tf.tensor1d(weights.headBias),
    mixupMask: mixupMask(T, Tu, D),
  };
}

/** Every tensor of the set, for disposal and byte accounting. */
export function allTensors(w: TfjsWeights): tf.Tensor[] {
  const layerTensors = w.layers.flatMap((l) => [
    l.ln1Weight,
    l.ln1Bias,
    ...l.w1,
    ...l.b1,
    ...l.w2,
    ...l.b2,
    l.ln2Weight,
    l.ln2Bias,
    ...(l.compWeight ?? []),
    ...(l.compBias ?? []),
  ]);
  return [...w.tokUserWeight, ...w.tokUserBias, ...w.tokGroupWeight, ...w.tokGroupBias, ...layerTensors, w.headWeight, w.headBias, w.mixupMask];
}

export function disposeWeights(w: TfjsWeights): void {
  tf.dispose(allTensors(w));
}

/** `count` matrices [rows, cols] from a row-major stack [count, rows, cols]. */
function matrices(stack: Float32Array, count: number, rows: number, cols: number): tf.Tensor2D[] {
  const size = rows * cols;
  return Array.from({ length: count }, (_, i) => tf.tensor2d(stack.slice(i * size, (i + 1) * size), [rows, cols]));
}

/** `count` vectors [len] from a row-major [count, len]. */
function vectors(stack: Float32Array, count: number, len: number): tf.Tensor1D[] {
  return Array.from({ length: count }, (_, i) => tf.tensor1d(stack.slice(i * len, (i + 1) * len)));
}

function mixupMask(T: number, Tu: number, D: number): tf.Tensor2D {
  const d = D / T;
  const mask = new Float32Array(T * D).fill(1); // [T, D]
  for (let h = 0; h < Tu; h++) mask.fill(0, h * D + Tu * d, (h + 1) * D);
  return tf.tensor2d(mask, [T, D]);
}
