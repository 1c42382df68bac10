/**
 * Roofline floor of one request: for every GEMM the request runs, time >= max(FLOPs / GEMM
 * peak, bytes / streaming bandwidth), summed. Bytes are the weights (fp32 4 bytes, int8 1 byte
 * per value; scales ignored, so the floor stays a floor) plus the activations in and out. The
 * peaks are the machine limits' own (models/limits/measure.ts): the fp32 GEMM ceiling, and for
 * int8-activation kernels the int8 GEMM ceiling when it is higher.
 */
import { derive, type ModelConfig } from '../config.ts';
import { VARIANT_TRAITS, type Variant } from '../variants.ts';
import { bandwidthForWorkingSet, type RooflineLimits } from '../../harness/results/machine-limits.ts';

/** A [M, K] x [K, Nout] GEMM with its weight storage, `count` times. */
export interface Gemm {
  M: number;
  K: number;
  Nout: number;
  bytesPerWeight: number;
  /** int8 activations (MatMulNBits accuracy 4, DynamicQuantizeMatMul): the int8 roof applies */
  int8Compute: boolean;
  count: number;
}

/** How each graph stores and multiplies its FFN and compensation weights. */
export interface GraphPrecision {
  bytesPerWeight: number;
  int8Compute: boolean;
  /** rows multiplied per activation row: 2 for hilo (hi and lo digits), else 1 */
  rowFactor?: number;
}

export const FP32_GRAPH: GraphPrecision = { bytesPerWeight: 4, int8Compute: false };

/** The precision a kernel name (as read from the optimized graph) implies. */
export function graphPrecisionOf(kernel: string): GraphPrecision {
  if (kernel.startsWith('matmulnbits-b') || kernel === 'dynamic') return { bytesPerWeight: 1, int8Compute: true };
  if (kernel.startsWith('hilo-b')) return { bytesPerWeight: 1, int8Compute: true, rowFactor: 2 };
  if (kernel === 'strict' || kernel.startsWith('matmulnbits-a')) return { bytesPerWeight: 1, int8Compute: false };
  return FP32_GRAPH;
}

export interface RequestShape {
  config: ModelConfig;
  variant: Variant;
  candidates: number;
  monolithic?: boolean;
  /** split ugsep variants: the user and group graphs' precision; default fp32 */
  user?: GraphPrecision;
  group?: GraphPrecision;
}

/** The GEMMs of one request (tokenizer, per-token FFN, compensation; the head is O(D)). */
export function requestGemms(shape: RequestShape): Gemm[] {
  const s = derive(shape.config);
  const N = shape.candidates;
  const traits = VARIANT_TRAITS[shape.variant];
  const split = traits.masked && !shape.monolithic;
  const user = shape.user ?? FP32_GRAPH;
  const group = shape.group ?? FP32_GRAPH;
  const fp32 = { bytesPerWeight: 4, int8Compute: false };
  const gemm = (M: number, K: number, Nout: number, p: GraphPrecision, count: number): Gemm => ({ M: M * (p.rowFactor ?? 1), K, Nout, bytesPerWeight: p.bytesPerWeight, int8Compute: p.int8Compute, count });
  const ffn = (M: number, tokens: number, p: GraphPrecision): Gemm[] => [gemm(M, s.D, s.H, p, s.L * tokens), gemm(M, s.H, s.D, p, s.L * tokens)];
  if (!split) {
    const p = traits.int8Weights ? group : fp32;
    return [
      gemm(N, s.cu, s.D, fp32, s.Tu),
      gemm(N, s.cg, s.D, fp32, s.Tg),
      ...ffn(N, s.T, p),
      ...(traits.compensation ? [gemm(N, s.D, s.Tg * s.D, p, s.L)] : []),
    ];
  }
  return [
    gemm(1, s.cu, s.D, fp32, s.Tu),
    ...ffn(1, s.Tu, user),
    ...(traits.compensation ? [gemm(1, s.D, s.Tg * s.D, user, s.L)] : []),
    gemm(N, s.cg, s.D, fp32, s.Tg),
    ...ffn(N, s.Tg, group),
  ];
}

/** Bytes of weights one request reads: every GEMM's weights once (per-token weights are distinct). */
function weightBytesOf(gemms: readonly Gemm[]): number {
  return gemms.reduce((sum, g) => sum + g.count * g.K * g.Nout * g.bytesPerWeight, 0);
}

/**
 * Sum over the GEMMs of max(compute time, streaming time), in µs. Streaming is at the bandwidth of
 * the request's weight working set: weights that fit in a cache stream from it.
 */
export function rooflineFloorUs(gemms: readonly Gemm[], limits: RooflineLimits): number {
  const gbPerS = bandwidthForWorkingSet(limits.bandwidthCurve ?? [], weightBytesOf(gemms), limits.peakGBPerS);
  let us = 0;
  for (const g of gemms) {
    const flops = 2 * g.M * g.K * g.Nout;
    const peak = g.int8Compute ? Math.max(limits.peakGflopPerS, limits.int8PeakGopPerS ?? 0) : limits.peakGflopPerS;
    const bytes = g.K * g.Nout * g.bytesPerWeight + 4 * g.M * (g.K + g.Nout);
    us += g.count * Math.max(flops / (peak * 1e3), bytes / (gbPerS * 1e3));
  }
  return us;
}
