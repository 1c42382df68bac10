/**
 * A sweep series re-judged under capacity's SLO (which may differ from the sweep's): each rate's
 * repeats judged by the one sustainability rule and a strict majority (sweep/sustainable.ts),
 * the peak the highest sustained rate, and the facts at low load the rest of the report builds
 * on: mean service time, mean candidates, cost-model FLOPs and bytes per request.
 */
import type { RunResult } from '../contract.ts';
import type { SweepSeries, SweepStep } from '../sweep/results.ts';
import { judgeRepeats, judgeSustained, owedRequests } from '../sweep/sustainable.ts';

export interface RateUnderSlo {
  targetQps: number;
  sustainable: boolean;
  passed: number;
  repeats: number;
  /** median over the repeats */
  p99Ms: number;
  achievedQps: number;
}

export interface SeriesPeak {
  peakQps: number | null;
  /** the repeats at the peak rate */
  peakRuns: RunResult[];
  /** every rate, ascending */
  rates: RateUnderSlo[];
  /** the lowest sustained rate's runs: closest to pure service time */
  lowLoadRuns: RunResult[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export function medianOf<T>(items: readonly T[], value: (item: T) => number | undefined | null): number | null {
  const xs = items.map(value).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return xs.length === 0 ? null : median(xs);
}

export function peakUnder(series: SweepSeries, sloP99Ms: number): SeriesPeak {
  const byRate = new Map<number, SweepStep[]>();
  for (const step of series.steps) byRate.set(step.targetQps, [...(byRate.get(step.targetQps) ?? []), step]);
  const rates = [...byRate.entries()]
    .sort(([a], [b]) => a - b)
    .map(([targetQps, steps]) => {
      const verdict = judgeRepeats(
        steps.map((s) => judgeSustained(s.run, targetQps, { sloP99Ms })),
        steps.map((s) => owedRequests(s.run)),
      );
      return {
        targetQps,
        sustainable: verdict.sustained,
        passed: verdict.passed,
        repeats: verdict.repeats,
        p99Ms: median(steps.map((s) => s.run.latencyUs.overall.p99Us / 1000)),
        achievedQps: median(steps.map((s) => s.run.throughput.requestsPerS)),
        runs: steps.map((s) => s.run),
      };
    });
  const sustained = rates.filter((r) => r.sustainable);
  const peak = sustained[sustained.length - 1];
  return {
    peakQps: peak?.targetQps ?? null,
    peakRuns: peak?.runs ?? [],
    rates: rates.map(({ runs: _runs, ...rest }) => rest),
    lowLoadRuns: sustained[0]?.runs ?? [],
  };
}

/** Low-load facts of a series: what one request costs when it does not queue. */
export interface ServiceFacts {
  meanServiceUs: number | null;
  meanCandidates: number | null;
  flopsPerRequest: number | null;
  bytesPerRequest: number | null;
  observedHitRate: number | null;
  instances: number;
  threads: number;
}

export function serviceFacts(runs: readonly RunResult[]): ServiceFacts {
  const first = runs[0];
  return {
    meanServiceUs: medianOf(runs, (r) => r.sutTimingsUs?.service?.meanUs),
    meanCandidates: medianOf(runs, (r) => (r.throughput.requestsPerS > 0 ? r.throughput.candidatesPerS / r.throughput.requestsPerS : null)),
    flopsPerRequest: medianOf(runs, (r) => r.cost?.flopsPerRequest),
    bytesPerRequest: medianOf(runs, (r) => r.cost?.bytesPerRequest),
    observedHitRate: medianOf(runs, (r) => r.observedHitRate),
    instances: first?.runtime.instances ?? 1,
    threads: first?.runtime.threads ?? 1,
  };
}
