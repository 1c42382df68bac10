/** Choices that shape the ONNX graphs (not the math: every choice computes the same model). */
import { InputError } from '../../harness/errors.ts';

/**
 * How an int8-weight matmul is expressed (ugsep-w8a16). Every kernel multiplies by the same
 * int8 codes and per-output-channel scales (models/weights/quantize.ts); they differ in what
 * happens to the activations and in what the weights look like in memory:
 * - `matmulnbits-bB`: an explicit com.microsoft.MatMulNBits (8 bits, block size B along K,
 *   accuracy level 4): activations quantized to int8 per block of B values on the fly.
 * - `qdq`: DequantizeLinear(int8 W, per-channel scale) -> MatMul, which ORT CPU fuses into
 *   MatMulNBits at the session's accuracy level (4 by default).
 * - `dynamic`: com.microsoft.DynamicQuantizeMatMul: activations quantized per tensor to uint8.
 * - `strict`: activations rounded to fp16, then MatMulNBits at accuracy level 1 (fp32 compute
 *   on int8 weights): the literal W8A16 math, slow on CPU.
 * - `dequant-fp32`: int8 weights dequantized once, at build time, to fp32 constants: exact
 *   W8A16 weights with fp32 activations, fp32 GEMM speed (and fp32 bytes).
 * - `hilo-bB`: activations kept at ~16 bits as two int8 digits per block of B (a high digit on
 *   the block's int8 grid and the residual on its own grid, stacked as 2M rows), multiplied by
 *   one MatMulNBits (accuracy level 4) that reads the int8 weights once; the two halves summed.
 *   Activation error ~ block max / 64516, fp16-like: W8A16 accuracy at int8-weight bytes.
 *
 * The first four, qdq and dynamic quantize activations to 8 bits: W8A8, not W8A16. They stay
 * explicit choices, labelled W8A8 in results; `auto` only chooses among W8A16_KERNELS.
 */
export const INT8_KERNELS = ['matmulnbits-b16', 'matmulnbits-b32', 'matmulnbits-b64', 'matmulnbits-b128', 'qdq', 'dynamic', 'strict', 'dequant-fp32', 'hilo-b32', 'hilo-b128'] as const;
export type Int8Kernel = (typeof INT8_KERNELS)[number];

/** The kernels whose activations stay 16-bit or wider (W8A16): what `auto` may choose. */
export const W8A16_KERNELS = ['hilo-b32', 'hilo-b128', 'dequant-fp32', 'strict'] as const satisfies readonly Int8Kernel[];

/** What scenarios, `bench`, `serve` and `export` accept: a kernel, or `auto` (calibrated at load). */
export const INT8_KERNEL_CHOICES = ['auto', ...INT8_KERNELS] as const;
export type Int8KernelChoice = (typeof INT8_KERNEL_CHOICES)[number];

/** A scenario's or flag's int8 kernel, checked: one clear message naming the field otherwise (exit 104). */
export function parseInt8KernelChoice(value: string, field: string): Int8KernelChoice {
  if ((INT8_KERNEL_CHOICES as readonly string[]).includes(value)) return value as Int8KernelChoice;
  throw new InputError(field, [`${field}: expected one of ${INT8_KERNEL_CHOICES.join(', ')}, got ${JSON.stringify(value)}`]);
}

/** Block size of a `matmulnbits-bB` kernel; undefined for the other kernels. */
export function nbitsBlockSizeOf(kernel: Int8Kernel): number | undefined {
  const match = /^matmulnbits-b(\d+)$/.exec(kernel);
  return match ? Number(match[1]) : undefined;
}

/** Block size of a `hilo-bB` kernel; undefined for the other kernels. */
export function hiloBlockSizeOf(kernel: Int8Kernel): number | undefined {
  const match = /^hilo-b(\d+)$/.exec(kernel);
  return match ? Number(match[1]) : undefined;
}

/**
 * Per-token FFN layout for fp32 weights: one batched MatMul over [T, N, D] x [T, D, kD], or T
 * 2-D MatMuls on the slices. int8 kernels take 2-D weights only, so they are always per-token.
 */
export const FFN_LAYOUTS = ['batched', 'per-token'] as const;
export type FfnLayout = (typeof FFN_LAYOUTS)[number];

/** Activation dtype of the int8 matmuls: fp32 on CPU; fp16 on CUDA (MatMulNBits fp16: real W8A16). */
export type ActivationDtype = 'fp32' | 'fp16';

export interface GraphOptions {
  /** default 'per-token' (measure it with npm run bench:kernels: docs/runtimes.md) */
  ffnLayout?: FfnLayout;
  /** default DEFAULT_INT8_KERNEL ('hilo-b32') */
  int8Kernel?: Int8Kernel;
  /** default 'fp32'; 'fp16' is for the CUDA execution provider */
  activations?: ActivationDtype;
  /**
   * Build the W8A16 reference instead of a kernel: dequantized int8 weights and every int8
   * matmul input rounded to fp16 (a Cast pair), fp32 compute: the math of the W8A16 reference
   * model at fp32 GEMM speed. Calibration compares kernels against it. Default false.
   */
  w8a16Reference?: boolean;
}

export interface ResolvedGraphOptions {
  ffnLayout: FfnLayout;
  int8Kernel: Int8Kernel;
  activations: ActivationDtype;
  w8a16Reference: boolean;
}

/** A W8A16 kernel: what an explicit graph gets when none is named (export, the monolith). */
export const DEFAULT_INT8_KERNEL: Int8Kernel = 'hilo-b32';

export function resolveGraphOptions(options: GraphOptions = {}): ResolvedGraphOptions {
  return {
    ffnLayout: options.ffnLayout ?? 'per-token',
    int8Kernel: options.int8Kernel ?? DEFAULT_INT8_KERNEL,
    activations: options.activations ?? 'fp32',
    w8a16Reference: options.w8a16Reference ?? false,
  };
}

/** Opsets every ugbench graph imports: ai.onnx 21 (Gelu, blocked DequantizeLinear) + ORT contrib. */
export const OPSETS = [
  { domain: '', version: 21 },
  { domain: 'com.microsoft', version: 1 },
];
