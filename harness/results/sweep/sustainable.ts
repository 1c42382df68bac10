/**
 * When a run at a target rate counts as sustained: the run is valid, meets the p99 SLO (judged as
 * every run is, dropped and failed requests counted as over it), kept up
 * with the offered load (achieved >= minAchievedRatio of target: an open-loop system that falls
 * behind shows it here before its p99 explodes), and dropped or failed almost nothing.
 */
import { decodeHistogram } from '../../loadgen/histogram.ts';
import type { RunResult } from '../contract.ts';
import { judgeSlo } from '../judge.ts';

export interface SustainRule {
  sloP99Ms: number;
  /** default 0.9 */
  minAchievedRatio?: number;
  /** dropped + errored over planned, default 0.001 */
  maxLossRatio?: number;
}

export function sustainReasons(run: RunResult, targetQps: number, rule: SustainRule): string[] {
  const reasons: string[] = [];
  if (run.validity.status !== 'valid') reasons.push(`run ${run.validity.status}: ${run.validity.reasons.join('; ')}`);
  // the judge's SLO (harness/results/judge.ts): dropped and failed requests are over the limit
  const slo = judgeSlo({ counts: run.counts, latency: decodeHistogram(run.histograms.overall) }, { p99Ms: rule.sloP99Ms });
  if (slo && !slo.met) reasons.push(...(slo.reasons ?? []));
  const ratio = rule.minAchievedRatio ?? 0.9;
  if (run.throughput.requestsPerS < ratio * targetQps) {
    reasons.push(`achieved ${run.throughput.requestsPerS.toFixed(1)} req/s < ${Math.round(ratio * 100)}% of target ${targetQps.toFixed(1)}`);
  }
  const lost = run.counts.dropped + run.counts.errored;
  const maxLoss = rule.maxLossRatio ?? 0.001;
  if (run.counts.planned > 0 && lost / run.counts.planned > maxLoss) {
    reasons.push(`${lost} of ${run.counts.planned} requests dropped or failed (> ${maxLoss * 100}%)`);
  }
  return reasons;
}
