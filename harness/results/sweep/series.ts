/**
 * One sweep series (results.ts) from what the repeated search measured: every repeat as a step
 * (the curve), each rate's verdict with the min / median / max of p99 and achieved rate over its
 * repeats, and the knee. Shared by `ugbench sweep`, `ugbench search` and the simulated tests.
 */
import type { RunResult } from '../contract.ts';
import type { Knee, RepeatedStep } from './repeated.ts';
import type { SearchResult } from './search.ts';
import type { SweepConfig, SweepRate, SweepSeries, SweepStep } from './results.ts';

function spread(values: number[]): [number, number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return [sorted[0]!, median, sorted[sorted.length - 1]!];
}

export function rateOf(step: RepeatedStep<RunResult>): SweepRate {
  const runs = step.repeats.map((r) => r.run);
  return {
    targetQps: step.targetQps,
    repeats: step.verdict.repeats,
    passed: step.verdict.passed,
    sustainable: step.sustainable,
    reasons: step.reasons,
    p99Ms: spread(runs.map((r) => r.latencyUs.overall.p99Us / 1000)),
    achievedQps: spread(runs.map((r) => r.throughput.requestsPerS)),
  };
}

export interface SeriesIdentity {
  id: string;
  variant: string;
  runtime: string;
  config?: SweepConfig;
}

export function seriesOf(identity: SeriesIdentity, found: SearchResult<RepeatedStep<RunResult>> & { knee: Knee }): SweepSeries {
  const steps: SweepStep[] = found.steps.flatMap((s) =>
    s.repeats.map((r, repeat) => ({ targetQps: s.targetQps, sustainable: r.reasons.length === 0, reasons: r.reasons.map((x) => x.text), run: r.run, repeat })),
  );
  const details = steps[0]?.run.runtime.details ?? {};
  return {
    id: identity.id,
    variant: identity.variant,
    runtime: identity.runtime,
    peakQps: found.peakQps,
    firstUnsustainableQps: found.firstUnsustainableQps,
    stopped: found.stopped,
    steps,
    rates: found.steps.map(rateOf),
    knee: found.knee,
    ...(identity.config ? { config: identity.config } : {}),
    model: typeof details.model === 'string' ? details.model : '',
    modelConfig: typeof details.modelConfig === 'string' ? details.modelConfig : '',
  };
}

/** The rates of a series; version 1 files (no `rates`) give one rate per step, measured once. */
export function ratesOf(series: SweepSeries): SweepRate[] {
  if (series.rates) return series.rates;
  return series.steps.map((s) => ({
    targetQps: s.targetQps,
    repeats: 1,
    passed: s.sustainable ? 1 : 0,
    sustainable: s.sustainable,
    reasons: s.reasons,
    p99Ms: spread([s.run.latencyUs.overall.p99Us / 1000]),
    achievedQps: spread([s.run.throughput.requestsPerS]),
  }));
}
