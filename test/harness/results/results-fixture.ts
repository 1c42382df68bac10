/**
 * Builds results files (harness/results/contract.ts) from synthetic latencies, for gate, compare and
 * capacity tests. Histograms are real hdr-histogram-js encodings, as the bench writes them.
 */
import { createLatencyHistogram, encodeHistogram, recordUs, summarize } from '../../../harness/loadgen/histogram.ts';
import type { BenchResults, LatencySummary, RunResult, ValidityStatus } from '../../../harness/results/contract.ts';
import { Rng } from '../../../harness/rng.ts';

export interface RunSpec {
  variant: string;
  runtime?: string;
  latenciesUs: number[];
  hitLatenciesUs?: number[];
  missLatenciesUs?: number[];
  hitRate?: number | null;
  dropped?: number;
  errored?: number;
  lateStarts?: number;
  rps?: number;
  meanCandidates?: number;
  status?: ValidityStatus;
  parity?: RunResult['parity'];
}

function histogramOf(values: number[]): { encoded: string; summary: LatencySummary } {
  const h = createLatencyHistogram();
  for (const v of values) recordUs(h, v);
  const result = { encoded: encodeHistogram(h), summary: summarize(h) };
  h.destroy();
  return result;
}

export function makeRun(spec: RunSpec): RunResult {
  const runtime = spec.runtime ?? 'reference';
  const overall = histogramOf(spec.latenciesUs);
  const hit = spec.hitLatenciesUs ? histogramOf(spec.hitLatenciesUs) : null;
  const miss = spec.missLatenciesUs ? histogramOf(spec.missLatenciesUs) : null;
  const rps = spec.rps ?? 100;
  const status = spec.status ?? 'valid';
  return {
    id: `${spec.variant}@${runtime}`,
    variant: spec.variant,
    requestedRuntime: runtime,
    runtime: { runtime, provider: 'cpu', threads: 2, weightPrecision: 'fp32', activationPrecision: 'fp32', details: {} },
    userCache: { used: hit !== null, capacityBytes: null, capacityUsers: null, ttlMs: null, forcedHitRate: null, stateBytesPerUser: null, hits: 0, misses: 0, evictions: 0, expirations: 0, peakBytes: 0 },
    executor: { kind: 'open', arrival: 'poisson', targetQps: rps, concurrency: null, inFlightLimit: 64, lateThresholdUs: 1000, latencyOrigin: 'scheduled-start' },
    measuredS: spec.latenciesUs.length / rps,
    counts: { planned: spec.latenciesUs.length, issued: spec.latenciesUs.length, completed: spec.latenciesUs.length, errored: spec.errored ?? 0, dropped: spec.dropped ?? 0, lateStarts: spec.lateStarts ?? 0, notIssued: 0, warmupCompleted: 10 },
    issueDelayUs: null,
    histograms: { overall: overall.encoded, cacheHit: hit?.encoded ?? null, cacheMiss: miss?.encoded ?? null },
    latencyUs: { overall: overall.summary, cacheHit: hit?.summary ?? null, cacheMiss: miss?.summary ?? null },
    throughput: { requestsPerS: rps, candidatesPerS: rps * (spec.meanCandidates ?? 100) },
    observedHitRate: spec.hitRate ?? null,
    cost: null,
    slo: null,
    errors: {},
    validity: { status, reasons: status === 'valid' ? [] : ['measured 12 queries, minimum 100'] },
    ...(spec.parity ? { parity: spec.parity } : {}),
  };
}

export function makeResults(runs: RunResult[], options: { thresholds?: string[]; name?: string } = {}): BenchResults {
  const statuses = runs.map((r) => r.validity.status);
  const status: ValidityStatus = statuses.includes('aborted') ? 'aborted' : statuses.includes('invalid') ? 'invalid' : 'valid';
  return {
    schemaVersion: 1,
    tool: { name: 'ugbench', version: '0.1.0' },
    createdAt: '2026-01-01T00:00:00.000Z',
    status,
    git: { commit: null, dirty: null },
    packages: {},
    machine: {
      cpu: { manufacturer: 'test', brand: 'test', cores: 2, physicalCores: 2, speedGHz: 2, flags: '' },
      memory: { totalBytes: 2 ** 34 },
      os: { platform: 'linux', distro: '', release: '', arch: 'x64', kernel: '' },
      gpus: [],
      node: process.version,
      degraded: false,
    },
    scenario: { path: null, name: options.name ?? 'fixture', effective: options.thresholds ? { thresholds: options.thresholds } : {} },
    seeds: { scenario: 1, plan: 1, weights: 1, requests: 1 },
    plan: { measuredArrivals: 0, warmupArrivals: 0, warmupS: 0, durationS: 1, meanCandidates: 100, distinctUsers: 1 },
    runs,
  };
}

/** n log-normal latencies around medianUs (sigma 0.25), times a scale factor. */
export function lognormalUs(rng: Rng, n: number, medianUs: number, scale = 1): number[] {
  return Array.from({ length: n }, () => medianUs * scale * Math.exp(0.25 * rng.normal()));
}
