/**
 * Tensor primitives of the TF.js model, each the TF.js form of a row primitive in
 * models/reference/ops.ts (same math; float32 throughout, as TF.js has no float64).
 */
import * as tf from '@tensorflow/tfjs-core';

/** LayerNorm epsilon of the contract (shared/DESIGN.md section 2). */
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
