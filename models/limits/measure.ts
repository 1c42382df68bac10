/**
 * Machine limits, measured once per fingerprint and cached: the ORT large-GEMM ceiling (the
 * roofline's roof) and the streaming bandwidth of an ORT matrix-vector product (its slope; the
 * JS STREAM copy/triad figures are kept beside it), plus machine facts. Under ~20 s.
 */
import os from 'node:os';
import { measureBandwidth } from './bandwidth.ts';
import { lastLevelCacheBytes, measureOrtBandwidthCurve } from './ort-bandwidth.ts';
import { limitsPath, readCachedLimits, writeCachedLimits } from './cache.ts';
import { fingerprintOf, readMachineSummary } from './fingerprint.ts';
import { loadOrt } from '../runtimes/ort-providers.ts';
import { measureGemm } from './gemm.ts';
import { readGpuMemoryUtilisation } from './gpu.ts';
import { gemmRepeatSpread, limitsAgeProblem, limitsTrustProblems, LIMITS_SCHEMA_VERSION, LOADED_PER_CORE, type GemmMeasurement, type MachineLimits } from '../../harness/results/machine-limits.ts';

export interface LimitsOptions {
  /** intra-op threads for the GEMM; default: all cores */
  threads?: number;
  /** ignore the cache and measure again; default false */
  remeasure?: boolean;
  /** cache directory; default limitsCacheDir() */
  cacheDir?: string;
  /** GEMM sizes; default [1024, 2048] */
  gemmSizes?: number[];
  /** bandwidth buffer bytes; default 128 MiB */
  bandwidthBufferBytes?: number;
  /** the 1-minute load average now; default os.loadavg()[0] (tests inject a quiet or a busy machine) */
  loadAverage?: () => number;
}

export interface LimitsOutcome {
  limits: MachineLimits;
  file: string;
  /** true when read from the cache, false when just measured */
  cached: boolean;
  /** why these limits are not the machine's ceilings (limitsTrustProblems); empty when trusted */
  problems: string[];
}

async function ortVersion(): Promise<string | null> {
  const ort = await loadOrt();
  if (typeof ort === 'string') return null;
  return ort.env.versions.node ?? ort.env.versions.common;
}

export async function machineLimits(options: LimitsOptions = {}): Promise<LimitsOutcome> {
  const threads = options.threads ?? os.availableParallelism();
  const loadAverage = options.loadAverage ?? ((): number => os.loadavg()[0] ?? 0);
  const machine = await readMachineSummary();
  const version = await ortVersion();
  const fingerprint = fingerprintOf(machine, version ?? 'no-ort', threads);
  const file = options.cacheDir ? limitsPath(fingerprint, options.cacheDir) : limitsPath(fingerprint);
  if (!options.remeasure) {
    const cached = await readCachedLimits(file);
    const problems = cached ? limitsTrustProblems(cached) : [];
    // Stale by age: measure again. Measured under load: measure again only if the machine is
    // quiet now (measuring on a busy machine gives no better numbers); else keep and say why.
    // A wide repeat spread alone is reported, not re-measured (small test sizes spread widely).
    const busy = (load: number): boolean => load > LOADED_PER_CORE * Math.max(1, machine.cores);
    const measuredLoaded = cached !== undefined && busy(Math.max(cached.loadAverage1m, cached.loadAverage1mAfter ?? 0));
    const remeasure = (cached !== undefined && limitsAgeProblem(cached) !== null) || (measuredLoaded && !busy(loadAverage()));
    if (cached && cached.fingerprint === fingerprint && !remeasure) return { limits: cached, file, cached: true, problems };
  }
  const limits = await measureLimits(options, { threads, machine, version, fingerprint, loadAverage });
  await writeCachedLimits(file, limits);
  return { limits, file, cached: false, problems: limitsTrustProblems(limits) };
}

async function measureLimits(
  options: LimitsOptions,
  { threads, machine, version, fingerprint, loadAverage }: { threads: number; machine: MachineLimits['machine']; version: string | null; fingerprint: string; loadAverage: () => number },
): Promise<MachineLimits> {
  const loadAverage1m = loadAverage();
  const started = performance.now();
  let gemm: MachineLimits['gemm'];
  if (version === null) {
    gemm = { runtime: 'onnxruntime-node', version: 'absent', threads, measurements: [], peakGflopPerS: null, unavailableReason: 'onnxruntime-node is not installed' };
  } else {
    try {
      const measured = await measureGemm({ threads, ...(options.gemmSizes ? { sizes: options.gemmSizes } : {}) });
      gemm = {
        runtime: 'onnxruntime-node cpu',
        version: measured.version,
        threads,
        measurements: measured.measurements,
        peakGflopPerS: Math.max(...measured.measurements.map((m) => m.gflopPerS)),
        int8PeakGopPerS: measured.int8PeakGopPerS,
        unavailableReason: null,
        repeatSpread: peakSpread(measured.measurements),
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      gemm = { runtime: 'onnxruntime-node cpu', version, threads, measurements: [], peakGflopPerS: null, unavailableReason: reason };
    }
  }
  const llcBytes = lastLevelCacheBytes();
  const bandwidthMeasurements = measureBandwidth(options.bandwidthBufferBytes ? { bufferBytes: options.bandwidthBufferBytes } : {});
  const ortCurve = version === null ? [] : await measureOrtBandwidthCurve({ threads, ...(options.bandwidthBufferBytes ? { matrixBytes: 2 * options.bandwidthBufferBytes } : {}) }).catch(() => []);
  // the large matrix first (the slope), then the cache-sized ones
  const ortBandwidth = ortCurve.at(-1);
  bandwidthMeasurements.unshift(...ortCurve.slice().reverse());
  const limits: MachineLimits = {
    schemaVersion: LIMITS_SCHEMA_VERSION,
    fingerprint,
    measuredAt: new Date().toISOString(),
    machine,
    gemm,
    bandwidth: {
      method: ortBandwidth
        ? `onnxruntime-node matrix-vector product over a ${(ortBandwidth.bufferBytes / 2 ** 20).toFixed(0)} MiB fp32 matrix on ${threads} threads (slope; ${llcText(llcBytes)}), and over ${ortCurve.slice(0, -1).map((m) => (m.bufferBytes / 2 ** 20).toFixed(0)).join(', ') || 'no'} MiB matrices for working sets that fit in a cache; JS copy and triad, 1 thread (for reference)`
        : 'Float64Array copy (TypedArray.set) and triad loop, 1 JS thread (onnxruntime-node unavailable)',
      measurements: bandwidthMeasurements,
      peakGBPerS: ortBandwidth ? ortBandwidth.gbPerS : Math.max(...bandwidthMeasurements.map((m) => m.gbPerS)),
      repeatSpread: ortBandwidth?.medianGbPerS ? ortBandwidth.gbPerS / ortBandwidth.medianGbPerS - 1 : null,
      lastLevelCacheBytes: llcBytes ?? null,
    },
    gpuMemoryUtilisation: await readGpuMemoryUtilisation(),
    loadAverage1m,
    loadAverage1mAfter: loadAverage(),
    measurementS: (performance.now() - started) / 1000,
  };
  return limits;
}

function llcText(llc: number | undefined): string {
  return llc === undefined ? 'last-level cache size unknown' : `last-level cache ${(llc / 2 ** 20).toFixed(0)} MiB`;
}

/** The repeat spread of the measurement that set the peak. */
function peakSpread(measurements: readonly GemmMeasurement[]): number | null {
  const peak = [...measurements].sort((a, b) => b.gflopPerS - a.gflopPerS)[0];
  return peak ? gemmRepeatSpread(peak) : null;
}
