/**
 * The sweep results JSON (`ugbench sweep` writes, `ugbench capacity` reads): per variant x
 * runtime, every rate step as a full RunResult (histograms included, so capacity can re-mix
 * hit and miss latency) and the peak sustainable rate under the SLO.
 */
import type { BenchResults, RunResult } from '../contract.ts';

export const SWEEP_SCHEMA_VERSION = 1 as const;

export interface SweepStep {
  targetQps: number;
  sustainable: boolean;
  reasons: string[];
  run: RunResult;
}

export interface SweepSeries {
  /** `${variant}@${runtime}` */
  id: string;
  variant: string;
  runtime: string;
  /** highest sustainable target rate measured; null when none was */
  peakQps: number | null;
  /** lowest unsustainable target rate measured; null when never reached */
  firstUnsustainableQps: number | null;
  stopped: string;
  /** steps in the order measured (sort by targetQps for a curve) */
  steps: SweepStep[];
  /** model facts for the cost model, from the run (e.g. 'small', 'T=16 Tu=8 ...') */
  model: string;
  modelConfig: string;
}

export interface SweepResults {
  kind: 'ugbench-sweep';
  schemaVersion: typeof SWEEP_SCHEMA_VERSION;
  createdAt: string;
  sloP99Ms: number;
  scenario: { path: string | null; name: string; effective: unknown };
  git: BenchResults['git'];
  machine: BenchResults['machine'];
  packages: BenchResults['packages'];
  series: SweepSeries[];
}
