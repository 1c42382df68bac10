/**
 * The one judge of a run, used by a plain bench, a shard, `--workers`, `ugbench merge` and the
 * sweep alike. In this order:
 * 1. validity: aborted, fewer completed queries or a shorter measured window than the scenario's
 *    minimum, a closed loop whose plan ran out: INVALID (exit 98) whatever the numbers say;
 * 2. the SLO: each objective is a percentile of every request the run owed an answer, where a
 *    dropped, errored or timed-out request has an unbounded latency (it is over every limit), so
 *    an overloaded run that sheds load fails its SLO instead of passing on the requests it kept;
 * 3. the thresholds (`thresholds:` of the scenario) that select the run.
 * A check on a percentile that its requests cannot support (no 99% upper bound exists,
 * harness/results/percentile-bound.ts) is not a pass: a check that would pass on too few
 * requests makes the run INVALID, saying how many it needs; a check that fails still fails.
 * One verdict per run, with its reasons; a file's verdict is the worst of its runs' (invalid
 * before failed), and its exit code 0 pass, 98 invalid, 99 SLO or threshold failed.
 */
import type { Histogram } from 'hdr-histogram-js';
import { ExitCode } from '../errors.ts';
import type { ExecutorKind } from '../loadgen/executors/executor.ts';
import type { RunCounts } from '../loadgen/recorder.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { BenchResults, RunResult, SloFacts, ValidityStatus } from './contract.ts';
import { evaluateThresholds, type Verdict } from './gates/evaluate.ts';
import { unsupportedNote } from './percentile-bound.ts';
import { percentileWithUnansweredUs, unansweredCount } from './unanswered.ts';
import type { SourcedThreshold } from './gates/source.ts';

/** What a run measured, as the judge needs it. */
export interface Measured {
  kind: ExecutorKind;
  counts: RunCounts;
  measuredS: number;
  aborted: boolean;
  /** closed loop: the plan ran out before the duration ended */
  planExhausted: boolean;
  /** latency of completed requests, µs */
  latency: Histogram;
}

export function judgeValidity(m: Measured, scenario: Scenario, inherited: readonly string[] = []): { status: ValidityStatus; reasons: string[] } {
  const reasons = [...inherited];
  const minDurationS = scenario.run.minDurationS ?? (m.kind === 'offline' ? 0 : scenario.run.durationS);
  if (m.aborted) reasons.push('aborted by a signal (Ctrl-C or SIGTERM): measured data kept, run not complete');
  if (m.counts.completed < scenario.run.minQueries) reasons.push(`completed queries: expected >= ${scenario.run.minQueries}, got ${m.counts.completed}`);
  // 1 ms slack: the measured window is taken from the same clock as the schedule
  if (m.measuredS + 1e-3 < minDurationS) reasons.push(`measured duration: expected >= ${minDurationS} s, got ${m.measuredS.toFixed(3)} s`);
  if (m.planExhausted) reasons.push('closed loop: the plan ran out of queries before the duration ended (raise traffic.arrivals.maxQueries)');
  const status: ValidityStatus = m.aborted ? 'aborted' : reasons.length > 0 ? 'invalid' : 'valid';
  return { status, reasons };
}

const msText = (us: number): string => (us === Infinity ? 'unbounded' : `${(us / 1000).toFixed(2)} ms`);

/** The latency objectives an SLO may set, each a percentile of all requests owed an answer. */
const SLO_OBJECTIVES = [
  { name: 'p99', percentile: 99, field: 'p99Ms' },
  { name: 'p95', percentile: 95, field: 'p95Ms' },
  { name: 'p90', percentile: 90, field: 'p90Ms' },
  { name: 'p50', percentile: 50, field: 'p50Ms' },
] as const;

/** The scenario's SLO on this run (null when the scenario has none), failed requests unbounded. */
export function judgeSlo(m: Pick<Measured, 'counts' | 'latency'>, slo: Scenario['slo']): SloFacts | null {
  if (!slo) return null;
  const unanswered = unansweredCount(m.counts);
  const reasons: string[] = [];
  const check = (name: string, percentile: number, limitMs: number | undefined): void => {
    if (limitMs === undefined) return;
    const us = percentileWithUnansweredUs(m.latency, unanswered, percentile);
    if (us === null) reasons.push(`SLO missed: no requests measured for ${name}`);
    else if (us > limitMs * 1000) reasons.push(`SLO missed: ${name} ${msText(us)} > SLO ${limitMs} ms (over ${m.latency.totalCount + unanswered} requests, ${unanswered} dropped or failed counted as unbounded)`);
  };
  for (const o of SLO_OBJECTIVES) check(o.name, o.percentile, slo[o.field]);
  if (m.counts.completed === 0) reasons.push('SLO: no completed requests');
  return { p99Ms: slo.p99Ms ?? null, p95Ms: slo.p95Ms ?? null, p90Ms: slo.p90Ms ?? null, p50Ms: slo.p50Ms ?? null, met: reasons.length === 0, unanswered, reasons };
}

/** The file's verdict from its runs: aborted wins over invalid wins over valid. */
export function overallStatus(statuses: readonly ValidityStatus[]): ValidityStatus {
  if (statuses.includes('aborted')) return 'aborted';
  if (statuses.includes('invalid')) return 'invalid';
  return 'valid';
}

export type RunStatus = 'pass' | 'invalid' | 'failed';

export interface RunVerdict {
  runId: string;
  status: RunStatus;
  /** validity reasons, then SLO reasons, then failed thresholds */
  reasons: string[];
  /** the thresholds that selected this run */
  thresholds: Verdict[];
}

const PERCENTILE_OF_METRIC: Record<string, number> = { p50_ms: 50, p90_ms: 90, p99_ms: 99, p999_ms: 99.9 };

/** Requests a latency percentile of this run rests on: all owed an answer, or one cache outcome's. */
function requestsBehind(run: RunResult, cache: string | undefined): number {
  if (cache === 'hit') return run.latencyUs.cacheHit?.count ?? 0;
  if (cache === 'miss') return run.latencyUs.cacheMiss?.count ?? 0;
  return run.counts.completed + unansweredCount(run.counts);
}

/** Passing checks on percentiles the run's requests cannot support: each makes the run INVALID. */
function unsupportedPasses(run: RunResult, mine: readonly Verdict[]): string[] {
  const reasons: string[] = [];
  const add = (what: string, percentile: number, n: number): void => {
    const note = unsupportedNote(percentile, n);
    if (note) reasons.push(`invalid: ${what} passed on ${note} for a 99% upper bound (run longer or at a higher rate)`);
  };
  if (run.slo?.met) {
    for (const o of SLO_OBJECTIVES) {
      const limitMs = run.slo[o.field];
      if (limitMs !== null && limitMs !== undefined) add(`SLO ${o.name} <= ${String(limitMs)} ms`, o.percentile, requestsBehind(run, undefined));
    }
  }
  for (const v of mine) {
    const percentile = PERCENTILE_OF_METRIC[v.threshold.metric];
    if (v.pass && percentile !== undefined) add(`threshold ${v.threshold.source}`, percentile, requestsBehind(run, v.threshold.labels.cache));
  }
  return reasons;
}

/** One run's verdict: validity, then SLO, then the thresholds that selected it. */
export function judgeRun(run: RunResult, verdicts: readonly Verdict[]): RunVerdict {
  const mine = verdicts.filter((v) => v.runId === run.id);
  const unsupported = unsupportedPasses(run, mine);
  const invalid = run.validity.status !== 'valid' || unsupported.length > 0;
  const sloReasons = run.slo && !run.slo.met ? (run.slo.reasons ?? ['SLO missed']) : [];
  const failedThresholds = mine.filter((v) => !v.pass).map((v) => `threshold ${v.threshold.source}: ${v.value === null ? `no data: ${v.note ?? ''}` : `value ${v.value}`}`);
  const reasons = [...run.validity.reasons.map((r) => `${run.validity.status}: ${r}`), ...unsupported, ...sloReasons, ...failedThresholds];
  const status: RunStatus = invalid ? 'invalid' : sloReasons.length + failedThresholds.length > 0 ? 'failed' : 'pass';
  return { runId: run.id, status, reasons, thresholds: mine };
}

export interface ResultsVerdict {
  status: RunStatus;
  exitCode: number;
  runs: RunVerdict[];
  /** every threshold verdict, for the table (including thresholds that matched no run) */
  thresholds: Verdict[];
}

/** The verdict of a whole results file (one bench, a merge): worst of its runs and of the file's own validity. */
export function judgeResults(results: BenchResults, thresholds: readonly SourcedThreshold[]): ResultsVerdict {
  const verdicts = evaluateThresholds(results, thresholds);
  const runs = results.runs.map((run) => judgeRun(run, verdicts));
  const unmatched = verdicts.some((v) => v.runId === null);
  const invalid = results.status !== 'valid' || runs.some((r) => r.status === 'invalid');
  const failed = unmatched || runs.some((r) => r.status === 'failed');
  const status: RunStatus = invalid ? 'invalid' : failed ? 'failed' : 'pass';
  return { status, exitCode: status === 'invalid' ? ExitCode.invalidRun : status === 'failed' ? ExitCode.gatesFailed : ExitCode.ok, runs, thresholds: verdicts };
}
