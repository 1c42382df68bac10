/** Choices that shape the ONNX graphs (not the math: every choice computes the same model). */

/**
 * How an int8-weight matmul is expressed (ugsep-w8a16):
 * - `qdq`: DequantizeLinear(int8 W, per-channel scale, axis 1) -> MatMul. ORT CPU fuses the pair
 *   into MatMulNBits (8 bits); at accuracy level 4 it quantizes activations to int8 on the fly.
 * - `dynamic`: com.microsoft.DynamicQuantizeMatMul: activations quantized per tensor to uint8,
 *   integer GEMM. Fastest on CPU, least exact.
 * - `strict`: activations rounded to fp16 (Cast pair), then an explicit MatMulNBits at
 *   accuracy level 1 (fp32 compute on the int8 weights): the literal W8A16 math, slow on CPU.
 */
export const INT8_KERNELS = ['qdq', 'dynamic', 'strict'] as const;
export type Int8Kernel = (typeof INT8_KERNELS)[number];

/**
 * Per-token FFN layout for fp32 weights: one batched MatMul over [T, N, D] x [T, D, kD], or T
 * 2-D MatMuls on the slices. int8 kernels take 2-D weights only, so they are always per-token.
 */
export const FFN_LAYOUTS = ['batched', 'per-token'] as const;
export type FfnLayout = (typeof FFN_LAYOUTS)[number];

/** Activation dtype of the int8 matmuls: fp32 on CPU; fp16 on CUDA (MatMulNBits fp16: real W8A16). */
export type ActivationDtype = 'fp32' | 'fp16';

export interface GraphOptions {
  /** default 'per-token' (measured by bench:kernels: see README "onnxruntime-node runtime") */
  ffnLayout?: FfnLayout;
  /** default 'qdq' */
  int8Kernel?: Int8Kernel;
  /** default 'fp32'; 'fp16' is for the CUDA execution provider */
  activations?: ActivationDtype;
}

export interface ResolvedGraphOptions {
  ffnLayout: FfnLayout;
  int8Kernel: Int8Kernel;
  activations: ActivationDtype;
}

export function resolveGraphOptions(options: GraphOptions = {}): ResolvedGraphOptions {
  return {
    ffnLayout: options.ffnLayout ?? 'per-token',
    int8Kernel: options.int8Kernel ?? 'qdq',
    activations: options.activations ?? 'fp32',
  };
}

/** Opsets every ugbench graph imports: ai.onnx 21 (Gelu, blocked DequantizeLinear) + ORT contrib. */
export const OPSETS = [
  { domain: '', version: 21 },
  { domain: 'com.microsoft', version: 1 },
];
