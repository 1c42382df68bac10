/**
 * The sweep results JSON (`ugbench sweep` and `ugbench search` write, `ugbench capacity` reads):
 * per variant x runtime x configuration, every measured run as a full RunResult (histograms
 * included, so capacity can re-mix hit and miss latency), each rate's verdict over its repeats,
 * the knee with its spread, and the peak sustainable rate under the SLO.
 * Version 2 added repeats, rates, knee, config and search; version 1 files (one run per rate)
 * still read: each of their steps is a rate measured once.
 */
import type { BenchResults, PairedComparison, RunResult } from '../contract.ts';
import type { MachineLimits } from '../machine-limits.ts';
import type { Knee } from './repeated.ts';

export const SWEEP_SCHEMA_VERSION = 2 as const;
export const READABLE_SWEEP_VERSIONS: readonly number[] = [1, SWEEP_SCHEMA_VERSION];

/** One measured run: a repeat of one rate. */
export interface SweepStep {
  targetQps: number;
  /** this repeat alone met the rule */
  sustainable: boolean;
  reasons: string[];
  run: RunResult;
  /** 0-based repeat index at this rate (absent in version 1: 0) */
  repeat?: number;
}

/** One rate's verdict over its repeats (strict majority). */
export interface SweepRate {
  targetQps: number;
  repeats: number;
  passed: number;
  sustainable: boolean;
  reasons: string[];
  /** across the repeats: min, median, max */
  p99Ms: [number, number, number];
  achievedQps: [number, number, number];
}

/** The model-serving configuration the series ran with (what the search varies). */
export interface SweepConfig {
  /** e.g. 'i1-t2' (instances 1, threads 2) */
  label: string;
  instances: number;
  /** intra-op threads per instance as run (null: the runtime's default) */
  threads: number | null;
  /** dynamic batching when the runtime ran with it */
  batching?: { maxBatch: number; maxQueueDelayUs: number } | null;
}

export interface SweepSeries {
  /** `${variant}@${runtime}`, plus ` ${config.label}` in a search */
  id: string;
  variant: string;
  runtime: string;
  /** highest sustainable target rate measured; null when none was */
  peakQps: number | null;
  /** lowest unsustainable target rate measured; null when never reached */
  firstUnsustainableQps: number | null;
  stopped: string;
  /** runs in the order measured (sort by targetQps for a curve) */
  steps: SweepStep[];
  /** per rate tried, its verdict over the repeats (absent in version 1) */
  rates?: SweepRate[];
  knee?: Knee;
  config?: SweepConfig;
  /** model facts for the cost model, from the run (e.g. 'small', 'T=16 Tu=8 ...') */
  model: string;
  modelConfig: string;
}

export interface SweepResults {
  kind: 'ugbench-sweep';
  schemaVersion: 1 | typeof SWEEP_SCHEMA_VERSION;
  createdAt: string;
  sloP99Ms: number;
  scenario: { path: string | null; name: string; effective: unknown };
  git: BenchResults['git'];
  machine: BenchResults['machine'];
  packages: BenchResults['packages'];
  series: SweepSeries[];
  /** how the sweep ran: repeats per rate and the bisection resolution (absent in version 1) */
  method?: { repeats: number; resolution: number; growth: number; warm: boolean; note: string };
  /** this machine's roofline (`ugbench limits`, cached per machine) when the sweep ran; capacity's estimates rest on it */
  limits?: MachineLimits | null;
  /** why `limits` is null */
  limitsUnavailable?: string;
  /**
   * `ugbench sweep`: the variants' paired, interleaved service-time comparison on idle instances,
   * run once before the series (the model's speedup the peak ratios are checked against)
   */
  paired?: PairedComparison;
  /** `ugbench search`: the grid searched and the best configuration per variant */
  search?: { grid: SweepConfig[]; best: { variant: string; runtime: string; seriesId: string | null; peakQps: number | null }[] };
}
