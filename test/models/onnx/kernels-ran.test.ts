/**
 * What ran is read from ORT's optimized graph (models/runtimes/ort-optimized.ts), and `auto`
 * picks kernels within its bound and dispatches the group pass by N.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../../models/config.ts';
import { buildGroupGraph } from '../../../models/onnx/graphs.ts';
import { W8A16_KERNELS, type GraphOptions } from '../../../models/onnx/options.ts';
import { rangeFor } from '../../../models/runtimes/ort-calibrate.ts';
import { onInt8Grid, optimizedGraphTarget, readRanKernel } from '../../../models/runtimes/ort-optimized.ts';
import { createOrtRuntime } from '../../../models/runtimes/ort.ts';
import type { Variant } from '../../../models/variants.ts';
import { dequantizeStack, quantizeStack } from '../../../models/weights/quantize.ts';
import { generateWeights } from '../../../models/weights/generate.ts';
import { ort } from './ort-fixtures.ts';

const CONFIG: ModelConfig = { T: 8, Tu: 4, D: 128, L: 2, k: 4, Fu: 64, Fg: 64 };
const weights = generateWeights(CONFIG, { seed: 5 });

async function ranKernel(variant: Variant, options: GraphOptions): Promise<Awaited<ReturnType<typeof readRanKernel>>> {
  const target = await optimizedGraphTarget();
  const session = await ort.InferenceSession.create(buildGroupGraph(weights, variant, options).model, { logSeverityLevel: 3, ...target.options });
  await session.release();
  return readRanKernel(target.dir, target.modelFile);
}

describe('the kernel that ran, from the optimized graph', () => {
  it.each([
    ['matmulnbits-b32', { int8Kernel: 'matmulnbits-b32' }, 'MatMulNBits'],
    ['matmulnbits-b128', { int8Kernel: 'matmulnbits-b128' }, 'MatMulNBits'],
    ['matmulnbits-b32', { int8Kernel: 'qdq' }, 'MatMulNBits'], // ORT fuses DequantizeLinear -> MatMul at block 32 here
    ['dynamic', { int8Kernel: 'dynamic' }, 'DynamicQuantizeMatMul'],
    ['strict', { int8Kernel: 'strict' }, 'MatMulNBits'],
    ['dequant-fp32', { int8Kernel: 'dequant-fp32' }, 'Gemm'],
    ['hilo-b32', { int8Kernel: 'hilo-b32' }, 'MatMulNBits'],
    ['hilo-b128', { int8Kernel: 'hilo-b128' }, 'MatMulNBits'],
  ] as const)('reads %s from the graph built for %o', async (expected, options, op) => {
    const ran = await ranKernel('ugsep-w8a16', options);
    console.log(`${JSON.stringify(options)}: ran ${ran.kernel} (${ran.activationPrecision}); ops ${JSON.stringify(ran.matmulOps)}`);
    expect(ran.kernel).toBe(expected);
    expect(ran.matmulOps[op]).toBeGreaterThanOrEqual(2 * CONFIG.L * (CONFIG.T - CONFIG.Tu) - 1);
  });

  it('negative control: the fp32 graph reads as fp32, not as dequantized int8', async () => {
    const ran = await ranKernel('ugsep', {});
    expect(ran.kernel).toBe('fp32');
    expect(ran.int8GridWeights.onGrid).toBe(0);
    expect(ran.int8GridWeights.checked).toBeGreaterThan(0);
  });

  it('the int8-grid signature holds for dequantized weights and fails for the same weights unquantized', () => {
    const [K, N] = [CONFIG.D, CONFIG.D * CONFIG.k];
    const w = weights.layers[0]!.w1.subarray(0, K * N);
    expect(onInt8Grid(dequantizeStack(quantizeStack(w, 1, K, N), K, N), K, N)).toBe(true);
    expect(onInt8Grid(w, K, N)).toBe(false);
  });
});

describe('int8Kernel auto', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('serves every N range with a kernel whose calibrated error is within the bound, says so in info and tags, and caches the plan', async () => {
    const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'ugbench-kernels-'));
    dirs.push(cacheDir);
    const options = { kernelCacheDir: cacheDir, calibrationCandidates: [1, 8, 32], accuracyBound: 5e-3 };
    const runtime = await createOrtRuntime(weights, 'ugsep-w8a16', options);
    const points = JSON.parse(String(runtime.info.details['int8.calibrationPoints'])) as Array<{ graph: string; kernel: string; N: number; maxRelError: number | null; ok: boolean }>;
    console.log(`auto: ${runtime.info.activationPrecision}`);
    const user = String(runtime.info.details['int8.user']);
    // the user kernel passed its check; every group range's kernel passed at its point
    expect(points.some((p) => p.graph === 'user' && p.kernel === user && p.ok && p.maxRelError! <= 5e-3)).toBe(true);
    const tags = (N: number): Readonly<Record<string, string>> => runtime.dispatchTags!(N);
    for (const N of [1, 2, 8, 9, 32, 100]) {
      const tagsN = tags(N);
      const point = [1, 8, 32].find((x) => x >= N) ?? 32;
      expect(points.some((p) => p.graph === 'group' && p.kernel === tagsN.groupKernel && p.N === point && p.ok)).toBe(true);
      expect(tagsN.userKernel).toBe(user);
    }
    // the bound applied sits below the int8 effect, which the fp32 graph (negative control) shows
    const bound = Number(runtime.info.details['int8.accuracyBound']);
    const effect = Number(runtime.info.details['int8.effectRelError']);
    console.log(`auto: bound ${bound.toExponential(2)}, int8 effect (fp32 graph vs W8A16 reference) ${effect.toExponential(2)}`);
    expect(bound).toBeLessThan(effect);
    expect(bound).toBeLessThanOrEqual(5e-3);
    // only W8A16 kernels serve; no rejected point was chosen
    for (const N of [1, 8, 100]) for (const k of [tags(N).userKernel, tags(N).groupKernel]) expect(W8A16_KERNELS as readonly string[]).toContain(k);
    for (const p of points.filter((x) => !x.ok && x.maxRelError !== null)) expect(p.maxRelError).toBeGreaterThan(bound);
    await runtime.dispose();
    expect((await readdir(cacheDir)).filter((f) => f.startsWith('kernels-'))).toHaveLength(1);
    const again = await createOrtRuntime(weights, 'ugsep-w8a16', options);
    expect(String(again.info.details['int8.calibration'])).toMatch(/^cached plan/);
    await again.dispose();
  });

  it('rangeFor: inclusive ranges, the last open-ended', () => {
    const ranges = [
      { fromN: 1, toN: 4, kernel: 'dynamic' as const },
      { fromN: 5, toN: null, kernel: 'dequant-fp32' as const },
    ];
    expect(rangeFor(ranges, 4).kernel).toBe('dynamic');
    expect(rangeFor(ranges, 5).kernel).toBe('dequant-fp32');
    expect(rangeFor(ranges, 10_000).kernel).toBe('dequant-fp32');
  });
});
