/**
 * Tensor primitives of the TF.js model, each the TF.js form of a row primitive in
 * models/reference/ops.ts (same math; float32 throughout, as TF.js has no float64).
 */
import * as tf from '@tensorflow/tfjs-core';

/** LayerNorm epsilon of the contract (docs/model.md). */
export const LAYER_NORM_EPS = 1e-5;

/** LayerNorm over the last axis, biased variance (tf.moments divides by the count, like the reference). */
export function layerNorm<R extends tf.Rank>(x: tf.Tensor<R>, gain: tf.Tensor1D, shift: tf.Tensor1D): tf.Tensor<R> {
  const { mean, variance } = tf.moments(x, -1, true); // [..., 1] each
  const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LAYER_NORM_EPS))); // like x
  return tf.add(tf.mul(normalized, gain), shift);
}

/** Exact GELU, erf form: 0.5 x (1 + erf(x / sqrt 2)). tf.erf is a float32 polynomial (|error| < 1.5e-7). */
export function gelu<R extends tf.Rank>(x: tf.Tensor<R>): tf.Tensor<R> {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/**
 * x @ w + b as one 2-D fused matmul. 2-D on purpose: the wasm backend's batched matMul takes a
 * slow path (measured ~37x slower), so per-token weights are applied as T separate 2-D products.
 */
export function linear(x: tf.Tensor2D /* [M, K] */, w: tf.Tensor2D /* [K, N] */, b: tf.Tensor1D /* [N] */): tf.Tensor2D /* [M, N] */ {
  return tf.fused.matMul({ a: x, b: w, bias: b }) as tf.Tensor2D;
}

/** The part of the wasm backend this file reads directly: a copy of elements [start, end) of a tensor. */
interface RangeReader {
  readSync(dataId: object, start?: number, end?: number): Float32Array;
}

/**
 * The T token rows [N, D] of X [N, T, D], each its own tensor (the per-token matmuls' inputs).
 * On wasm, tf.unstack / tf.slice / tf.gather copy the WHOLE input per output (the backend's
 * readSync ignores the slice), so T rows cost T full copies: measured 13 ms for [64, 16, 256]
 * against 0.1 ms for an add over it. There, transpose once to token-major [T, N, D] (a C++
 * kernel) and read each contiguous row range alone. Other backends slice natively.
 */
export function unstackTokens(x: tf.Tensor3D /* [N, T, D] */): tf.Tensor2D[] /* T x [N, D] */ {
  const tokenMajor = tf.transpose(x, [1, 0, 2]); // [T, N, D]
  const [T, N, D] = tokenMajor.shape;
  if (tf.getBackend() !== 'wasm') return tf.unstack(tokenMajor) as tf.Tensor2D[];
  const backend = tf.backend() as unknown as RangeReader;
  const size = N * D;
  return Array.from({ length: T }, (_, t) => tf.tensor2d(backend.readSync(tokenMajor.dataId, t * size, (t + 1) * size), [N, D]));
}
