/**
 * The stored machine-limits JSON: what `ugbench limits` measures once per machine fingerprint and
 * what reports/ reads (types only) to place runs on a roofline. Units are in the names.
 */
export const LIMITS_SCHEMA_VERSION = 1 as const;

/** (median - best) / best of a GEMM measurement's repetitions. */
export function gemmRepeatSpread(m: GemmMeasurement): number {
  const bestMs = (2 * m.n ** 3) / (m.gflopPerS * 1e9) * 1000;
  return m.medianMs / bestMs - 1;
}

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
  /** median repetition, GB/s (ort-matvec; absent in older files) */
  medianGbPerS?: number;
}

/** One point of the bandwidth-vs-working-set curve. */
export interface BandwidthPoint {
  bytes: number;
  gbPerS: number;
}

/**
 * The ORT matrix-vector measurements as a curve, smallest matrix first. Matrices that fit in a
 * cache stream faster than memory, so a request whose weights fit there is floored by the faster
 * figure. Empty for limits without ORT measurements.
 */
export function bandwidthCurve(limits: Pick<MachineLimits, 'bandwidth'>): BandwidthPoint[] {
  return limits.bandwidth.measurements
    .filter((m) => m.kernel === 'ort-matvec')
    .map((m) => ({ bytes: m.bufferBytes, gbPerS: m.gbPerS }))
    .sort((a, b) => a.bytes - b.bytes);
}

/**
 * Streaming bandwidth for a working set of `bytes`: the figure of the largest matrix measured that
 * is no larger than it. A working set fits in a cache at least as well as any larger matrix, so
 * it streams at most as fast as the nearest smaller one; that keeps a floor a floor. A working
 * set smaller than every matrix gets the best figure of all. Without a curve: `fallbackGBPerS`.
 */
export function bandwidthForWorkingSet(curve: readonly BandwidthPoint[], bytes: number, fallbackGBPerS: number): number {
  if (curve.length === 0) return fallbackGBPerS;
  const within = curve.filter((p) => p.bytes <= bytes);
  return within.length > 0 ? within.reduce((a, b) => (b.bytes > a.bytes ? b : a)).gbPerS : Math.max(...curve.map((p) => p.gbPerS));
}

/** The limits a roofline needs: the compute ceilings and the streaming slope(s). */
export interface RooflineLimits {
  peakGflopPerS: number;
  peakGBPerS: number;
  /** int8 GEMM ceiling, Gop/s; absent = the fp32 peak */
  int8PeakGopPerS?: number | null;
  /** bandwidth by working-set size (bandwidthCurve); absent = peakGBPerS for all */
  bandwidthCurve?: readonly BandwidthPoint[];
}

/** The limits as roofline numbers, or null when the GEMM ceiling was not measured. */
export function rooflineLimits(limits: MachineLimits | undefined): RooflineLimits | null {
  if (!limits || limits.gemm.peakGflopPerS === null) return null;
  return { peakGflopPerS: limits.gemm.peakGflopPerS, peakGBPerS: limits.bandwidth.peakGBPerS, int8PeakGopPerS: limits.gemm.int8PeakGopPerS ?? null, bandwidthCurve: bandwidthCurve(limits) };
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
    /** (median - best) / best of the repetitions at the peak size: large = the machine was busy; absent in older files */
    repeatSpread?: number | null;
  };
  bandwidth: {
    /** where the buffers lived: plain JS typed arrays, single thread */
    method: string;
    measurements: BandwidthMeasurement[];
    /** the roofline slope for working sets beyond the caches: the ORT matrix-vector GB/s on the
     *  largest matrix when measured, else the best JS kernel (bandwidthCurve: smaller matrices) */
    peakGBPerS: number;
    /** (median - best) / best of the ORT matrix-vector repetitions; absent in older files */
    repeatSpread?: number | null;
    /** the last-level cache the kernel reported when measuring; null = unknown, absent in older files */
    lastLevelCacheBytes?: number | null;
  };
  /** GPU memory utilisation read from the driver; null = not available (no nvidia-smi here) */
  gpuMemoryUtilisation: { source: string; usedFraction: number } | null;
  /** 1-minute load average when measuring began: other work on the machine lowers both limits */
  loadAverage1m: number;
  /** 1-minute load average when measuring ended; absent in older files */
  loadAverage1mAfter?: number;
  /** total wall time of the measurement */
  measurementS: number;
}

/** Limits older than this are measured again: drivers, firmware and neighbours change. */
export const LIMITS_MAX_AGE_DAYS = 30;
/** A 1-minute load average above this many runnable tasks per core means the machine was busy. */
export const LOADED_PER_CORE = 1;
/** A repeat spread above this means the repetitions did not see a quiet machine. */
export const MAX_REPEAT_SPREAD = 0.25;

/** Why these limits are too old to use (older than LIMITS_MAX_AGE_DAYS, or of no readable date); null when they are not. */
export function limitsAgeProblem(limits: MachineLimits, nowMs = Date.now()): string | null {
  const ageDays = (nowMs - Date.parse(limits.measuredAt)) / 86_400_000;
  if (ageDays <= LIMITS_MAX_AGE_DAYS) return null;
  return `measured ${Number.isFinite(ageDays) ? `${ageDays.toFixed(0)} days ago` : `at an unreadable time (${limits.measuredAt})`}, more than ${LIMITS_MAX_AGE_DAYS} days`;
}

/**
 * Why these limits cannot be taken as the machine's ceilings: too old, or measured while the
 * machine was loaded (load average, or repetitions spread wide). Empty when they can.
 */
export function limitsTrustProblems(limits: MachineLimits, nowMs = Date.now()): string[] {
  const age = limitsAgeProblem(limits, nowMs);
  const problems: string[] = age === null ? [] : [age];
  const cores = Math.max(1, limits.machine.cores);
  const load = Math.max(limits.loadAverage1m, limits.loadAverage1mAfter ?? 0);
  if (load > LOADED_PER_CORE * cores) problems.push(`measured while the machine was loaded (1-minute load average ${load.toFixed(2)} on ${cores} cores)`);
  const spreads: Array<[string, number | null | undefined]> = [
    ['GEMM', limits.gemm.repeatSpread],
    ['bandwidth', limits.bandwidth.repeatSpread],
  ];
  for (const [what, spread] of spreads) {
    if (typeof spread === 'number' && spread > MAX_REPEAT_SPREAD) problems.push(`${what} repetitions spread ${(spread * 100).toFixed(0)}% (more than ${(MAX_REPEAT_SPREAD * 100).toFixed(0)}%: the machine was busy)`);
  }
  const llc = limits.bandwidth.lastLevelCacheBytes;
  const largest = Math.max(0, ...bandwidthCurve(limits).map((p) => p.bytes));
  if (typeof llc === 'number' && largest > 0 && largest < 2 * llc) {
    problems.push(`the bandwidth matrix (${(largest / 2 ** 20).toFixed(0)} MiB) is not well beyond the ${(llc / 2 ** 20).toFixed(0)} MiB last-level cache, so the memory slope may be a cache figure`);
  }
  return problems;
}
