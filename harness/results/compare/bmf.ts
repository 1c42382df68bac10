/**
 * Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format/):
 * `{ benchmark: { measure: { value, lower_value?, upper_value? } } }`. One benchmark per run id;
 * measures are the B-side latency quantiles in µs, bounded by the bootstrap interval mapped onto
 * the A-side value, so Bencher's own thresholds see the same uncertainty ugbench decided on.
 */
import type { Comparison } from './runs.ts';
import { quantileLabel } from './runs.ts';

export interface BmfMetric {
  value: number;
  lower_value?: number;
  upper_value?: number;
}
export type Bmf = Record<string, Record<string, BmfMetric>>;

export function comparisonToBmf(comparison: Comparison): Bmf {
  const out: Bmf = {};
  for (const run of comparison.runs) {
    const measures: Record<string, BmfMetric> = {};
    for (const c of run.changes) {
      measures[`${quantileLabel(c.quantile)}-latency-us`] = {
        value: c.b,
        lower_value: c.a * (1 + c.low),
        upper_value: c.a * (1 + c.high),
      };
    }
    out[`ugbench/${run.runId}`] = measures;
  }
  return out;
}

/** A single results file as BMF: latency quantiles (µs) and throughput of every run. */
export function resultsToBmf(results: import('../contract.ts').BenchResults): Bmf {
  const out: Bmf = {};
  for (const run of results.runs) {
    const l = run.latencyUs.overall;
    out[`ugbench/${run.id}`] = {
      'p50-latency-us': { value: l.p50Us },
      'p99-latency-us': { value: l.p99Us },
      'throughput-rps': { value: run.throughput.requestsPerS },
      'throughput-cps': { value: run.throughput.candidatesPerS },
    };
  }
  return out;
}

/** Comparison bounds where a run was compared, plain results values elsewhere. */
export function mergeBmf(base: Bmf, override: Bmf): Bmf {
  const out: Bmf = { ...base };
  for (const [name, measures] of Object.entries(override)) out[name] = { ...(out[name] ?? {}), ...measures };
  return out;
}
