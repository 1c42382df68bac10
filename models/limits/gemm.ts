/**
 * Large-GEMM ceiling of onnxruntime-node: one MatMul node on n x n fp32 inputs, run with the
 * configured intra-op threads, 2 n^3 FLOPs per run. This is the roofline's flat roof: the best a
 * well-shaped matmul reaches on this machine and runtime, which the model's GEMMs are judged
 * against. The one-node graph comes from the models/onnx builder.
 */
import { loadOrt } from '../runtimes/ort-providers.ts';
import { GraphBuilder } from '../onnx/builder.ts';
import type { GemmMeasurement } from '../../harness/results/machine-limits.ts';

export interface GemmOptions {
  /** square sizes; default [1024, 2048] */
  sizes?: number[];
  /** intra-op threads; default: all cores */
  threads: number;
  /** stop repeating a size after this many seconds; default 4 (best-of over more runs finds the quiet moments of a shared machine) */
  budgetSPerSize?: number;
  /** at most this many timed repetitions per size; default 40 */
  maxRepetitions?: number;
}

export interface GemmResult {
  version: string;
  measurements: GemmMeasurement[];
  /** best Gop/s of the int8 form (DynamicQuantizeMatMul on an int8 constant), same sizes */
  int8PeakGopPerS: number | null;
}

/**
 * An ONNX model computing C = A @ B for n x n float inputs; with `int8`, B is an int8 constant
 * (per-column scale 1/127) and the product a com.microsoft.DynamicQuantizeMatMul.
 */
export function matMulModel(n: number, int8 = false): Uint8Array {
  const g = new GraphBuilder('limits_matmul');
  const a = g.input('A', 'float', [n, n]);
  if (!int8) {
    g.output(g.op1('MatMul', [a, g.input('B', 'float', [n, n])]), 'C', 'float', [n, n]);
    return g.encode([{ domain: '', version: 17 }]);
  }
  const q = new Int8Array(n * n).map((_, i) => ((i * 7919) % 255) - 127);
  const b = g.initializer('B', 'int8', [n, n], q);
  const scale = g.floats('B.scale', [n], new Float32Array(n).fill(1 / 127));
  g.output(g.op1('DynamicQuantizeMatMul', [a, b, scale], {}, { domain: 'com.microsoft' }), 'C', 'float', [n, n]);
  return g.encode([{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }]);
}

export async function measureGemm(options: GemmOptions): Promise<GemmResult> {
  const ort = await loadOrt();
  if (typeof ort === 'string') throw new Error(ort);
  const sizes = options.sizes ?? [1024, 2048];
  const budgetS = options.budgetSPerSize ?? 4;
  const maxRepetitions = options.maxRepetitions ?? 40;
  const measurements: GemmMeasurement[] = [];
  let int8PeakGopPerS: number | null = null;
  for (const [n, int8] of [...sizes.map((n) => [n, false] as const), ...sizes.map((n) => [n, true] as const)]) {
    const session = await ort.InferenceSession.create(matMulModel(n, int8), {
      executionProviders: ['cpu'],
      intraOpNumThreads: options.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      // Same spin setting as the ORT runtime (docs/runtimes.md), so the ceiling matches its threads.
      extra: { session: { intra_op: { spin_duration_us: '50' } } },
    });
    try {
      const data = new Float32Array(n * n);
      for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 1000) / 1000 - 0.5;
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = { A: new ort.Tensor('float32', data, [n, n]) };
      if (!int8) feeds.B = new ort.Tensor('float32', data, [n, n]);
      await session.run(feeds); // warm-up: allocations, packing, thread pool start
      const timesMs: number[] = [];
      const start = performance.now();
      while (timesMs.length < maxRepetitions && (timesMs.length < 2 || performance.now() - start < budgetS * 1000)) {
        const t0 = performance.now();
        await session.run(feeds);
        timesMs.push(performance.now() - t0);
      }
      timesMs.sort((x, y) => x - y);
      const bestMs = timesMs[0]!;
      if (int8) {
        int8PeakGopPerS = Math.max(int8PeakGopPerS ?? 0, (2 * n ** 3) / (bestMs / 1000) / 1e9);
        continue;
      }
      measurements.push({
        n,
        gflopPerS: (2 * n ** 3) / (bestMs / 1000) / 1e9,
        medianMs: timesMs[Math.floor(timesMs.length / 2)]!,
        repetitions: timesMs.length,
      });
    } finally {
      await session.release();
    }
  }
  return { version: ort.env.versions.node ?? ort.env.versions.common, measurements, int8PeakGopPerS };
}
