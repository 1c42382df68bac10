/**
 * Streaming bandwidth the way the model's weights are read: an onnxruntime-node matrix-vector
 * product y [1, N] = x [1, K] @ W [K, N] over a matrix far larger than the last-level cache
 * (4x the LLC the kernel reports, at least 256 MiB, at most 2 GiB: a server part with a 480 MiB
 * L3 would otherwise stream W from cache), on the configured intra-op threads. At M = 1 the GEMM does 2 FLOPs per
 * 4-byte weight, so its time is the time to stream W: this is the roofline's slope. (A single
 * JavaScript copy loop reads less than ORT's threads do, which would put runs above the roof.)
 * W is fed as an input, not a constant, so no prepacking copy hides the read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { GraphBuilder } from '../onnx/builder.ts';
import type { BandwidthMeasurement } from '../../harness/results/machine-limits.ts';

export interface OrtBandwidthOptions {
  threads: number;
  /** bytes of W; default defaultMatrixBytes() */
  matrixBytes?: number;
  /** timed repetitions (best one counts); default 8 */
  repetitions?: number;
}

const MIB = 2 ** 20;

/** Size in bytes of the largest (last-level) CPU cache, from Linux sysfs; undefined elsewhere. */
export function lastLevelCacheBytes(cacheDir = '/sys/devices/system/cpu/cpu0/cache'): number | undefined {
  let best: { level: number; bytes: number } | undefined;
  try {
    for (const entry of readdirSync(cacheDir).filter((name) => name.startsWith('index'))) {
      const level = Number(readFileSync(`${cacheDir}/${entry}/level`, 'utf8'));
      const size = /^(\d+)([KMG]?)/.exec(readFileSync(`${cacheDir}/${entry}/size`, 'utf8').trim());
      if (!size) continue;
      const bytes = Number(size[1]) * ({ '': 1, K: 2 ** 10, M: MIB, G: 2 ** 30 } as Record<string, number>)[size[2]!]!;
      if (!best || level > best.level || (level === best.level && bytes > best.bytes)) best = { level, bytes };
    }
  } catch {
    return undefined;
  }
  return best?.bytes;
}

/** 4x a last-level cache of `llcBytes` (undefined: unknown), within [256 MiB, 2 GiB]. */
export function matrixBytesFor(llcBytes: number | undefined): number {
  return Math.min(2048 * MIB, Math.max(256 * MIB, 4 * (llcBytes ?? 0)));
}

/** The matrix size for this machine's last-level cache. */
export function defaultMatrixBytes(): number {
  return matrixBytesFor(lastLevelCacheBytes());
}

/** The one-node graph: x [1, K] @ W [K, N]. */
export function matVecModel(K: number, N: number): Uint8Array {
  const g = new GraphBuilder('limits_matvec');
  const y = g.op1('MatMul', [g.input('x', 'float', [1, K]), g.input('W', 'float', [K, N])]); // [1, N]
  g.output(y, 'y', 'float', [1, N]);
  return g.encode([{ domain: '', version: 17 }]);
}

/** Cache-sized matrices measured besides the large one, for the bandwidth-vs-working-set curve. */
export const CURVE_MATRIX_BYTES = [8 * MIB, 32 * MIB, 128 * MIB];

/**
 * The curve: each CURVE_MATRIX_BYTES size below the large matrix, then the large one (last, the
 * roofline's memory slope). Smallest first.
 */
export async function measureOrtBandwidthCurve(options: OrtBandwidthOptions): Promise<BandwidthMeasurement[]> {
  const largeBytes = options.matrixBytes ?? defaultMatrixBytes();
  const out: BandwidthMeasurement[] = [];
  for (const matrixBytes of [...CURVE_MATRIX_BYTES.filter((b) => b < largeBytes / 2), largeBytes]) out.push(await measureOrtBandwidth({ ...options, matrixBytes }));
  return out;
}

export async function measureOrtBandwidth(options: OrtBandwidthOptions): Promise<BandwidthMeasurement> {
  const ort = await import('onnxruntime-node');
  const K = 4096;
  const N = Math.max(256, Math.floor((options.matrixBytes ?? defaultMatrixBytes()) / 4 / K));
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
