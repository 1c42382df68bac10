/**
 * The stored machine-limits JSON: what `ugbench limits` measures once per machine fingerprint and
 * what reports/ reads (types only) to place runs on a roofline. Units are in the names.
 */
export const LIMITS_SCHEMA_VERSION = 1 as const;

export interface GemmMeasurement {
  /** square matrix size n: an n x n by n x n fp32 MatMul, 2 n^3 FLOPs */
  n: number;
  /** best of the timed repetitions, in GFLOP/s */
  gflopPerS: number;
  /** median repetition time in milliseconds */
  medianMs: number;
  repetitions: number;
}

export interface BandwidthMeasurement {
  /** 'copy' (a[i] = b[i]: 2 x 8 bytes moved per element) or 'triad' (a[i] = b[i] + s c[i]: 3 x 8),
   *  one JS thread; 'ort-matvec': ORT x [1, K] @ W [K, N] on the intra-op threads, W's bytes */
  kernel: 'copy' | 'triad' | 'ort-matvec';
  /** bytes of each Float64Array buffer, or of W */
  bufferBytes: number;
  /** best repetition, GB/s (1e9 bytes) */
  gbPerS: number;
}

export interface MachineLimits {
  schemaVersion: typeof LIMITS_SCHEMA_VERSION;
  /** hash of the facts that shape these numbers (CPU, cores, memory, OS, node, ORT, threads) */
  fingerprint: string;
  /** ISO-8601 UTC time of measurement */
  measuredAt: string;
  /** the facts the fingerprint was computed from, readable */
  machine: {
    cpuBrand: string;
    cores: number;
    physicalCores: number;
    memoryTotalBytes: number;
    platform: string;
    arch: string;
    node: string;
    /** GPUs seen by systeminformation */
    gpus: string[];
    /** SIMD flags int8 kernels depend on (avx2, fma, avx512*, vnni variants) from the CPU; absent in older files */
    cpuFlags?: string[];
  };
  /** the runtime the GEMM limit was measured on */
  gemm: {
    runtime: string;
    /** e.g. onnxruntime-node version */
    version: string;
    threads: number;
    measurements: GemmMeasurement[];
    /** the roofline ceiling: the best GFLOP/s over the measured sizes; null when the runtime was unavailable */
    peakGflopPerS: number | null;
    /** int8 GEMM ceiling (DynamicQuantizeMatMul, n x n, best of sizes), Gop/s: the roof of the
     *  int8-activation kernels, which can beat the fp32 one; absent in older files */
    int8PeakGopPerS?: number | null;
    /** why the GEMM limit is missing, when it is */
    unavailableReason: string | null;
  };
  bandwidth: {
    /** where the buffers lived: plain JS typed arrays, single thread */
    method: string;
    measurements: BandwidthMeasurement[];
    /** the roofline slope: the ORT matrix-vector GB/s when measured, else the best JS kernel */
    peakGBPerS: number;
  };
  /** GPU memory utilisation read from the driver; null = not available (no nvidia-smi here) */
  gpuMemoryUtilisation: { source: string; usedFraction: number } | null;
  /** 1-minute load average when measuring began: other work on the machine lowers both limits */
  loadAverage1m: number;
  /** total wall time of the measurement */
  measurementS: number;
}
