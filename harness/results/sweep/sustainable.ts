/**
 * The sweep's sustainability rule, in one place (the sweep, the search and capacity all use it).
 * One run at a target rate is sustained when none of these named reasons holds:
 * - `invalid`: the run is not valid (too short, too few queries, aborted: the judge's validity);
 * - `slo`: it misses the p99 SLO as the one judge counts it (dropped and failed requests over it);
 * - `behind`: it achieved less than minAchievedRatio of the target (an open-loop system that
 *   falls behind shows it here before its p99 explodes);
 * - `lost`: more than maxLossRatio of the planned requests were dropped or failed.
 * A rate measured several times (repeats) is sustained only when a strict majority of its repeats
 * are (reason `majority` otherwise), so one noisy repeat neither ends nor extends the search, and
 * when its repeats together hold enough requests for the p99 to have a 99% upper bound (reason
 * `unsupported` otherwise: harness/results/percentile-bound.ts, as the judge treats a gate).
 * Boundaries are inclusive on the passing side: p99 equal to the SLO, achieved exactly
 * minAchievedRatio x target and loss exactly maxLossRatio all pass.
 */
import { decodeHistogram } from '../../loadgen/histogram.ts';
import type { RunResult } from '../contract.ts';
import { judgeSlo } from '../judge.ts';
import { unsupportedNote } from '../percentile-bound.ts';
import { unansweredCount } from '../unanswered.ts';

export interface SustainRule {
  sloP99Ms: number;
  /** default 0.9 */
  minAchievedRatio?: number;
  /** dropped + errored over planned, default 0.001 */
  maxLossRatio?: number;
}

export type SustainCode = 'invalid' | 'slo' | 'behind' | 'lost' | 'majority' | 'unsupported';

export interface SustainReason {
  code: SustainCode;
  text: string;
}

export const DEFAULT_MIN_ACHIEVED_RATIO = 0.9;
export const DEFAULT_MAX_LOSS_RATIO = 0.001;

/** Why one run at `targetQps` is not sustained; empty when it is. */
export function judgeSustained(run: RunResult, targetQps: number, rule: SustainRule): SustainReason[] {
  const reasons: SustainReason[] = [];
  if (run.validity.status !== 'valid') reasons.push({ code: 'invalid', text: `run ${run.validity.status}: ${run.validity.reasons.join('; ')}` });
  // the judge's SLO (harness/results/judge.ts): dropped and failed requests are over the limit
  const slo = judgeSlo({ counts: run.counts, latency: decodeHistogram(run.histograms.overall) }, { p99Ms: rule.sloP99Ms });
  if (slo && !slo.met) reasons.push(...(slo.reasons ?? ['SLO missed']).map((text) => ({ code: 'slo' as const, text })));
  const ratio = rule.minAchievedRatio ?? DEFAULT_MIN_ACHIEVED_RATIO;
  if (run.throughput.requestsPerS < ratio * targetQps) {
    reasons.push({ code: 'behind', text: `achieved ${run.throughput.requestsPerS.toFixed(1)} req/s < ${Math.round(ratio * 100)}% of target ${targetQps.toFixed(1)}` });
  }
  const lost = run.counts.dropped + run.counts.errored;
  const maxLoss = rule.maxLossRatio ?? DEFAULT_MAX_LOSS_RATIO;
  if (run.counts.planned > 0 && lost / run.counts.planned > maxLoss) {
    reasons.push({ code: 'lost', text: `${lost} of ${run.counts.planned} requests dropped or failed (> ${maxLoss * 100}%)` });
  }
  return reasons;
}

/** The reasons as text (what a step records). */
export function sustainReasons(run: RunResult, targetQps: number, rule: SustainRule): string[] {
  return judgeSustained(run, targetQps, rule).map((r) => r.text);
}

export interface RepeatsVerdict {
  sustained: boolean;
  /** repeats that were sustained */
  passed: number;
  repeats: number;
  /** empty when sustained; else `majority` first, then each distinct reason of the failed repeats */
  reasons: SustainReason[];
}

/** Requests a run owed an answer: what its p99 rests on (dropped and failed ones included). */
export function owedRequests(run: RunResult): number {
  return run.counts.completed + unansweredCount(run.counts);
}

/**
 * A rate measured `perRepeat.length` times: sustained when a strict majority of repeats were and
 * (when `owed` is given: requests per repeat) the repeats together support a p99.
 */
export function judgeRepeats(perRepeat: readonly (readonly SustainReason[])[], owed?: readonly number[]): RepeatsVerdict {
  const repeats = perRepeat.length;
  const passed = perRepeat.filter((r) => r.length === 0).length;
  if (repeats > 0 && passed * 2 > repeats) {
    const note = owed ? unsupportedNote(99, owed.reduce((a, b) => a + b, 0)) : null;
    if (note === null) return { sustained: true, passed, repeats, reasons: [] };
    return { sustained: false, passed, repeats, reasons: [{ code: 'unsupported', text: `${passed} of ${repeats} repeats sustained, but their ${note} for a 99% upper bound (run longer or more repeats)` }] };
  }
  const seen = new Set<string>();
  const distinct = perRepeat.flat().filter((r) => !seen.has(`${r.code}:${r.text}`) && seen.add(`${r.code}:${r.text}`));
  const majority: SustainReason = { code: 'majority', text: `${passed} of ${repeats} repeats sustained (a strict majority must be)` };
  return { sustained: false, passed, repeats, reasons: [majority, ...distinct] };
}
