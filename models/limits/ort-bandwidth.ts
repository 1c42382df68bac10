/**
 * Streaming bandwidth the way the model's weights are read: an onnxruntime-node matrix-vector
 * product y [1, N] = x [1, K] @ W [K, N] over a matrix far larger than any last-level cache
 * (256 MiB by default), on the configured intra-op threads. At M = 1 the GEMM does 2 FLOPs per
 * 4-byte weight, so its time is the time to stream W: this is the roofline's slope. (A single
 * JavaScript copy loop reads less than ORT's threads do, which would put runs above the roof.)
 * W is fed as an input, not a constant, so no prepacking copy hides the read.
 */
import { GraphBuilder } from '../onnx/builder.ts';
import type { BandwidthMeasurement } from '../../harness/results/machine-limits.ts';

export interface OrtBandwidthOptions {
  threads: number;
  /** bytes of W; default 256 MiB */
  matrixBytes?: number;
  /** timed repetitions (best one counts); default 8 */
  repetitions?: number;
}

/** The one-node graph: x [1, K] @ W [K, N]. */
export function matVecModel(K: number, N: number): Uint8Array {
  const g = new GraphBuilder('limits_matvec');
  const y = g.op1('MatMul', [g.input('x', 'float', [1, K]), g.input('W', 'float', [K, N])]); // [1, N]
  g.output(y, 'y', 'float', [1, N]);
  return g.encode([{ domain: '', version: 17 }]);
}

export async function measureOrtBandwidth(options: OrtBandwidthOptions): Promise<BandwidthMeasurement> {
  const ort = await import('onnxruntime-node');
  const K = 4096;
  const N = Math.max(1024, Math.floor((options.matrixBytes ?? 256 * 2 ** 20) / 4 / K));
  const session = await ort.InferenceSession.create(matVecModel(K, N), {
    executionProviders: ['cpu'],
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
    // Same spin setting as the ORT runtime, so the threads behave as they do when serving.
    extra: { session: { intra_op: { spin_duration_us: '50' } } },
  });
  try {
    const w = new Float32Array(K * N);
    for (let i = 0; i < w.length; i += 61) w[i] = ((i % 17) - 8) / 64; // touched: no zero pages
    const feeds = { x: new ort.Tensor('float32', new Float32Array(K).fill(0.5), [1, K]), W: new ort.Tensor('float32', w, [K, N]) };
    await session.run(feeds); // warm-up: thread pool start, allocations
    const timesS: number[] = [];
    for (let r = 0; r < (options.repetitions ?? 8); r++) {
      const t0 = performance.now();
      await session.run(feeds);
      timesS.push((performance.now() - t0) / 1000);
    }
    timesS.sort((a, b) => a - b);
    const bytes = K * N * 4;
    return { kernel: 'ort-matvec', bufferBytes: bytes, gbPerS: bytes / timesS[0]! / 1e9, medianGbPerS: bytes / timesS[timesS.length >> 1]! / 1e9 };
  } finally {
    await session.release();
  }
}
