/** The roofline floor (models/limits/roofline.ts) and the SIMD flags read into machine facts. */
import { describe, expect, it } from 'vitest';
import { simdFlagsOf } from '../../../harness/results/cpu-flags.ts';
import { FP32_GRAPH, graphPrecisionOf, requestGemms, rooflineFloorUs } from '../../../models/limits/roofline.ts';
import { classify } from '../../../models/runtimes/ort-optimized.ts';

const LIMITS = { peakGflopPerS: 100, peakGBPerS: 10, int8PeakGopPerS: 300 };

describe('rooflineFloorUs', () => {
  it('a matrix-vector GEMM is bandwidth-bound: bytes / bandwidth', () => {
    // [1, 1000] x [1000, 1000] fp32: 4e6 weight bytes + 4 * (1000 + 1000) activation bytes at 10 GB/s
    const us = rooflineFloorUs([{ M: 1, K: 1000, Nout: 1000, bytesPerWeight: 4, int8Compute: false, count: 1 }], LIMITS);
    expect(us).toBeCloseTo((4e6 + 8000) / 10e3, 6);
  });

  it('a large GEMM is compute-bound: FLOPs / peak, the int8 roof for int8-activation kernels', () => {
    const big = { M: 1000, K: 1000, Nout: 1000, count: 2 };
    expect(rooflineFloorUs([{ ...big, bytesPerWeight: 4, int8Compute: false }], LIMITS)).toBeCloseTo((2 * 2e9) / 100e3, 6);
    expect(rooflineFloorUs([{ ...big, bytesPerWeight: 1, int8Compute: true }], LIMITS)).toBeCloseTo((2 * 2e9) / 300e3, 6);
  });

  it('int8 weights lower the floor of the memory-bound user pass about 4x, not of the compute-bound group pass', () => {
    const config = { T: 16, Tu: 8, D: 1024, L: 2, k: 4, Fu: 512, Fg: 512 };
    const int8 = graphPrecisionOf('matmulnbits-b32');
    const floor = (N: number, p = FP32_GRAPH): number => rooflineFloorUs(requestGemms({ config, variant: 'ugsep-w8a16', candidates: N, user: p, group: p }), LIMITS);
    const atOne = floor(1) / floor(1, int8);
    const atMany = floor(4096) / floor(4096, int8);
    console.log(`wide floor ratio fp32/int8: N=1 ${atOne.toFixed(2)}, N=4096 ${atMany.toFixed(2)}`);
    expect(atOne).toBeGreaterThan(3.5);
    expect(atMany).toBeLessThan(3.05); // only the int8 compute roof (3x here) remains
  });

  it('counts the GEMMs of the split request: tokenizers, 2 per token and layer, compensation once', () => {
    const config = { T: 4, Tu: 2, D: 16, L: 3, k: 3, Fu: 8, Fg: 8 };
    const gemms = requestGemms({ config, variant: 'ugsep', candidates: 5 });
    const count = (M: number, K: number, Nout: number): number => gemms.filter((g) => g.M === M && g.K === K && g.Nout === Nout).reduce((a, g) => a + g.count, 0);
    expect(count(1, 4, 16)).toBe(2); // user tokenizer, one per user token
    expect(count(1, 16, 48)).toBe(3 * 2); // user FFN up: L x Tu
    expect(count(5, 48, 16)).toBe(3 * 2); // group FFN down: L x Tg, on N rows
    expect(count(1, 16, 32)).toBe(3); // compensation [1, D] x [D, Tg*D], once per layer
    expect(requestGemms({ config, variant: 'baseline', candidates: 5 }).filter((g) => g.M === 1)).toHaveLength(0); // no user pass
  });
});

describe('simdFlagsOf', () => {
  it('keeps the flags kernels dispatch on, sorted, once', () => {
    expect(simdFlagsOf('fpu sse2 avx2 fma avx512f avx512_vnni avx_vnni f16c sse4_2 avx2 amx_int8')).toEqual(['amx_int8', 'avx2', 'avx512_vnni', 'avx512f', 'avx_vnni', 'f16c', 'fma']);
    expect(simdFlagsOf('')).toEqual([]);
  });
});

describe('classify (optimized-graph census)', () => {
  it('mixes are named as mixes, nothing matmul-like is "none"', () => {
    const node = (op: string, attrs: Record<string, number> = {}): { op_type: string; input: string[]; attribute: Array<{ name: string; i: number }> } => ({
      op_type: op,
      input: ['x', 'w'],
      attribute: Object.entries(attrs).map(([name, i]) => ({ name, i })),
    });
    expect(classify([node('MatMulNBits', { accuracy_level: 4, block_size: 64 }), node('DynamicQuantizeMatMul')], [], undefined).kernel).toBe('dynamic+matmulnbits-b64');
    expect(classify([node('Relu')], [], undefined).kernel).toBe('none');
  });
});
