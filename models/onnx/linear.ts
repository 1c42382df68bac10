/**
 * Matmul-plus-bias building blocks: the per-token FFN and the compensation matrices, in fp32
 * (one batched 3-D MatMul, or one 2-D GEMM per token) or with int8 weights (one of the kernels
 * of options.ts). Quantization is models/weights/quantize.ts, shared with the
 * W8A16 reference, so ORT and the reference multiply by the very same int8 values and scales.
 */
import type { GraphBuilder } from './builder.ts';
import { toFp16Array } from './fp16.ts';
import { hiloBlockSizeOf, nbitsBlockSizeOf, type ResolvedGraphOptions } from './options.ts';
import { dequantizeInto, quantizePerChannel, type QuantizedMatrix } from '../weights/quantize.ts';

/** A stack of per-token matrices W [count, K, Nout] and biases b [count, Nout] (float32, row-major). */
export interface MatrixStack {
  name: string;
  weight: Float32Array;
  bias: Float32Array;
  K: number;
  Nout: number;
}

/** Which tokens of the stack this graph uses: [first, first + count). */
export interface TokenRange {
  first: number;
  count: number;
}

/**
 * One batched MatMul: y[i] = x[i] @ W[first + i] + b[first + i] for i < count.
 * x: [count, N, K] -> [count, N, Nout].
 * ORT prepacks only 2-D constant weights, so this form repacks W at every run: it pays only
 * at large N (bench:kernels measures it).
 */
export function stackedLinear(g: GraphBuilder, x: string, stack: MatrixStack, range: TokenRange): string {
  const { K, Nout } = stack;
  const { first, count } = range;
  const w = g.floats(`${stack.name}.w`, [count, K, Nout], stack.weight.subarray(first * K * Nout, (first + count) * K * Nout));
  const b = g.floats(`${stack.name}.b`, [count, 1, Nout], stack.bias.subarray(first * Nout, (first + count) * Nout));
  return g.op1('Add', [g.op1('MatMul', [x, w]), b]); // [count, N, Nout]
}

/**
 * y = x @ W[t] + b[t] on 2-D activations x [M, K] -> [M, Nout], fp32 or int8 weights. 2-D so
 * ORT prepacks W once and folds the bias into the GEMM (MatMul + Add -> Gemm).
 */
export function tokenLinear(g: GraphBuilder, x: string, stack: MatrixStack, t: number, int8: boolean, options: ResolvedGraphOptions): string {
  return int8 ? int8Linear(g, x, stack, t, options) : fp32Linear(g, x, stack, t);
}

/** [M, K] x [K, Nout] + [Nout] for token t, fp32. */
function fp32Linear(g: GraphBuilder, x: string, stack: MatrixStack, t: number): string {
  const { K, Nout } = stack;
  const w = g.floats(`${stack.name}.${t}.w`, [K, Nout], stack.weight.subarray(t * K * Nout, (t + 1) * K * Nout));
  const b = g.floats(`${stack.name}.${t}.b`, [Nout], stack.bias.subarray(t * Nout, (t + 1) * Nout));
  return g.op1('Add', [g.op1('MatMul', [x, w]), b]); // [M, Nout]
}

/** [M, K] x int8 [K, Nout] (per-output-channel scales) + [Nout] for token t. */
function int8Linear(g: GraphBuilder, x: string, stack: MatrixStack, t: number, options: ResolvedGraphOptions): string {
  const { K, Nout } = stack;
  const name = `${stack.name}.${t}`;
  const quantized = quantizePerChannel(stack.weight, t * K * Nout, K, Nout);
  const { q, scale } = quantized;
  const int8Weight = (): string => g.initializer(`${name}.q`, 'int8', [K, Nout], q);
  const bias = g.floats(`${name}.b`, [Nout], stack.bias.subarray(t * Nout, (t + 1) * Nout));
  /** the dequantized weights q * scale as an fp32 constant [K, Nout] */
  const dequantized = (): string => {
    const w = new Float32Array(K * Nout);
    dequantizeInto(quantized, K, Nout, w, 0);
    return g.floats(`${name}.w`, [K, Nout], w);
  };
  const fp16Rounded = (v: string): string => g.op1('Cast', [g.op1('Cast', [v], { to: 10 })], { to: 1 }); // fp16 values in fp32

  if (options.w8a16Reference) {
    // The W8A16 reference math: fp16-rounded activations times the dequantized int8 weights.
    return g.op1('Add', [g.op1('MatMul', [fp16Rounded(x), dequantized()]), bias]); // [M, Nout]
  }
  if (options.activations === 'fp16') {
    // CUDA: fp16 activations into DQ(int8, fp16 scale) -> MatMul, fused by the CUDA EP into
    // MatMulNBits with fp16 activations: the paper's W8A16. Output back to fp32 for LayerNorm.
    const s16 = g.initializer(`${name}.scale16`, 'float16', [Nout], toFp16Array(scale));
    const w = g.op1('DequantizeLinear', [int8Weight(), s16], { axis: 1 }); // [K, Nout] fp16
    const x16 = g.op1('Cast', [x], { to: 10 }); // [M, K] fp16
    return g.op1('Add', [g.op1('Cast', [g.op1('MatMul', [x16, w])], { to: 1 }), bias]); // [M, Nout] fp32
  }
  const blockSize = nbitsBlockSizeOf(options.int8Kernel);
  if (blockSize !== undefined) return matMulNBits8(g, x, name, quantized, bias, K, Nout, { blockSize, accuracyLevel: 4 }); // [M, Nout]
  const hiloBlock = hiloBlockSizeOf(options.int8Kernel);
  if (hiloBlock !== undefined) return hiloLinear(g, x, name, quantized, bias, K, Nout, hiloBlock); // [M, Nout]
  switch (options.int8Kernel) {
    case 'qdq': {
      // Fused by ORT CPU into MatMulNBits (bits 8, accuracy level from the session config).
      const s = g.floats(`${name}.scale`, [Nout], scale);
      const w = g.op1('DequantizeLinear', [int8Weight(), s], { axis: 1 }); // [K, Nout]
      return g.op1('Add', [g.op1('MatMul', [x, w]), bias]); // [M, Nout]
    }
    case 'dynamic': {
      const s = g.floats(`${name}.scale`, [Nout], scale);
      // inputs: A, B int8, b_scale [Nout], b_zero_point (absent: symmetric), bias
      return g.op1('DynamicQuantizeMatMul', [x, int8Weight(), s, '', bias], {}, { domain: 'com.microsoft' }); // [M, Nout]
    }
    case 'strict':
      // Activations rounded to fp16 exactly as the W8A16 reference does, then MatMulNBits at
      // accuracy level 1: fp32 compute on the int8 weights (no activation quantization).
      // Written as an explicit node: a DequantizeLinear -> MatMul pair would be fused at the
      // session's accuracy level (4 by default), which quantizes activations.
      return matMulNBits8(g, fp16Rounded(x), name, quantized, bias, K, Nout, { blockSize: defaultBlockSize(K), accuracyLevel: 1 }); // [M, Nout]
    case 'dequant-fp32':
      // Dequantized once here: the GEMM is fp32 (ORT prepacks it), the weights exactly q * scale.
      return g.op1('Add', [g.op1('MatMul', [x, dequantized()]), bias]); // [M, Nout]
    default:
      throw new Error(`int8 kernel ${options.int8Kernel} has no graph form`);
  }
}

/**
 * x [M, K] times int8 weights with ~16-bit activations on the int8 MatMulNBits kernel: per block
 * of B values along K, hi = round(x / s) * s with s = block max / 127 (exactly on the grid the
 * kernel quantizes to, so the kernel re-quantizes hi without loss) and lo = x - hi (|lo| <= s/2,
 * quantized by the kernel on its own grid of max |lo| / 127). Both go through one MatMulNBits
 * as [2M, K] rows, so the weights are read once for both digits; y = y_hi + y_lo + b.
 * Activation error <= s / 508 per value, against s / 2 for one int8 digit.
 */
function hiloLinear(g: GraphBuilder, x: string, name: string, quantized: QuantizedMatrix, bias: string, K: number, Nout: number, blockSize: number): string {
  const Kp = Math.ceil(K / blockSize) * blockSize;
  const padded = Kp === K ? x : g.op1('Pad', [x, g.int64s('pads', [0, 0, 0, Kp - K])]); // [M, Kp], zero columns
  const blocks = g.op1('Reshape', [padded, g.int64s('shape', [-1, Kp / blockSize, blockSize])]); // [M, Kp/B, B]
  const amax = g.op1('ReduceMax', [g.op1('Abs', [blocks]), g.int64s('axes', [2])], { keepdims: 1 }); // [M, Kp/B, 1]
  // an all-zero block gets a tiny positive step, so hi = 0 and lo = 0 there (no 0 / 0)
  const step = g.op1('Max', [g.op1('Div', [amax, g.floats('127', [], [127])]), g.floats('tiny', [], [1e-30])]); // [M, Kp/B, 1]
  const hi = g.op1('Mul', [g.op1('Round', [g.op1('Div', [blocks, step])]), step]); // [M, Kp/B, B] on the int8 grid
  const lo = g.op1('Sub', [blocks, hi]); // [M, Kp/B, B], |lo| <= step / 2
  const rows = g.op1('Reshape', [g.op1('Concat', [hi, lo], { axis: 0 }), g.int64s('shape', [-1, Kp])]); // [2M, Kp]: hi rows, then lo rows
  const both = matMulNBits8(g, rows, name, quantized, '', Kp, Nout, { blockSize, accuracyLevel: 4, weightRows: K }); // [2M, Nout]
  const [yHi, yLo] = g.op('Split', [both], { axis: 0, num_outputs: 2 }, { outputs: 2 }); // 2 x [M, Nout]
  return g.op1('Add', [g.op1('Add', [yHi!, yLo!]), bias]); // [M, Nout]
}

/** Block size for the strict kernel: a power of two >= 16 (the kernel's constraint), at most 128. */
function defaultBlockSize(K: number): number {
  let size = 16;
  while (size < 128 && size < K) size *= 2;
  return size;
}

/**
 * com.microsoft.MatMulNBits with 8-bit codes from a per-channel int8 matrix q [K, Nout]:
 * B [Nout, kBlocks, blockSize] uint8 codes q + 128 (the default zero point is 128, so code - 128
 * = q), K padded with zero weights; every block of a column carries the column's scale.
 */
function matMulNBits8(
  g: GraphBuilder,
  x: string,
  name: string,
  { q, scale }: QuantizedMatrix,
  bias: string,
  K: number,
  Nout: number,
  { blockSize, accuracyLevel, weightRows = K }: { blockSize: number; accuracyLevel: number; weightRows?: number },
): string {
  // weightRows: rows of q (< K when the activations were zero-padded to K)
  const kBlocks = Math.ceil(K / blockSize);
  const codes = new Uint8Array(Nout * kBlocks * blockSize).fill(128); // [Nout, kBlocks, blockSize]
  for (let k = 0; k < weightRows; k++) {
    for (let n = 0; n < Nout; n++) codes[n * kBlocks * blockSize + k] = q[k * Nout + n]! + 128;
  }
  const scales = new Float32Array(Nout * kBlocks); // [Nout, kBlocks]
  for (let n = 0; n < Nout; n++) scales.fill(scale[n]!, n * kBlocks, (n + 1) * kBlocks);
  const b = g.initializer(`${name}.codes`, 'uint8', [Nout, kBlocks, blockSize], codes);
  const s = g.floats(`${name}.scales`, [Nout, kBlocks], scales);
  const inputs = bias === '' ? [x, b, s] : [x, b, s, '', '', bias];
  return g.op1('MatMulNBits', inputs, { K, N: Nout, bits: 8, block_size: blockSize, accuracy_level: accuracyLevel }, { domain: 'com.microsoft' });
}
