/**
 * STREAM-style memory bandwidth in plain JS typed arrays: copy (a = b) and triad (a = b + s c)
 * over Float64Array buffers far larger than any last-level cache, so the loop streams from DRAM.
 * Single-threaded: it is the bandwidth one JS thread (and, roughly, one ORT worker) sees; the
 * roofline slope is the best repetition. Bytes counted as STREAM does (no write-allocate).
 */
import type { BandwidthMeasurement } from '../../harness/results/machine-limits.ts';

export interface BandwidthOptions {
  /** bytes per buffer; default 128 MiB (3 buffers = 384 MiB, >> any LLC) */
  bufferBytes?: number;
  /** timed repetitions per kernel; default 5 */
  repetitions?: number;
  /** monotonic clock in nanoseconds; injectable for tests */
  nowNs?: () => bigint;
}

export function measureBandwidth(options: BandwidthOptions = {}): BandwidthMeasurement[] {
  const bufferBytes = options.bufferBytes ?? 128 * 1024 * 1024;
  const repetitions = options.repetitions ?? 5;
  const nowNs = options.nowNs ?? ((): bigint => process.hrtime.bigint());
  const n = Math.floor(bufferBytes / 8);
  const a = new Float64Array(n);
  const b = new Float64Array(n).fill(1);
  const c = new Float64Array(n).fill(2);
  const scalar = 3;

  const time = (kernel: () => void): number => {
    kernel(); // untimed: page faults on first touch and JIT warm-up
    let bestS = Infinity;
    for (let r = 0; r < repetitions; r++) {
      const t0 = nowNs();
      kernel();
      bestS = Math.min(bestS, Number(nowNs() - t0) / 1e9);
    }
    return bestS;
  };

  // copy via TypedArray.set (a memcpy) is what JS code moving buffers actually gets.
  const copyS = time(() => a.set(b));
  const triadS = time(() => {
    for (let i = 0; i < n; i++) a[i] = b[i]! + scalar * c[i]!;
  });
  if (a[n - 1] !== 1 + scalar * 2) throw new Error('bandwidth triad produced a wrong value');
  return [
    { kernel: 'copy', bufferBytes, gbPerS: (2 * 8 * n) / copyS / 1e9 },
    { kernel: 'triad', bufferBytes, gbPerS: (3 * 8 * n) / triadS / 1e9 },
  ];
}
