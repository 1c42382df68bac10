/**
 * The capacity report as data: per measured series (variant x runtime x configuration of a sweep
 * or search) the peak under the SLO (re-judged by the one rule, majority of repeats), the plan at
 * the target traffic, the self-check of peak against instances / mean service, a hit-rate what-if
 * from the hit/miss histograms; the recommendation; and for the paper's RankMixer sizes not
 * measured here, roofline estimates (cli/capacity/estimates.ts) or their refusal with the reason.
 * harness/ does the arithmetic; this file knows the models (cost model), so it lives with the
 * composition root.
 */
import { planCapacity, type CapacityPlan } from '../../harness/results/capacity/plan.ts';
import { whatIfHitRates, type WhatIfPoint } from '../../harness/results/capacity/what-if.ts';
import { checkConsistency, type Consistency } from '../../harness/results/capacity/consistency.ts';
import { peakUnder, serviceFacts, type RateUnderSlo, type ServiceFacts } from '../../harness/results/capacity/peak.ts';
import { fromEncoded } from '../../harness/results/compare/sample.ts';
import type { RunResult } from '../../harness/results/contract.ts';
import type { SweepResults, SweepSeries } from '../../harness/results/sweep/results.ts';
import { userStateBytes } from '../../models/cost.ts';
import { asVariant, configOf } from './model-of.ts';
import { presetEstimates, type PresetEstimates } from './estimates.ts';
import { recommend, type Recommendation } from './recommend.ts';

export interface CapacityOptions {
  peakQps: number;
  sloP99Ms: number;
  hitRates: number[];
  headroom: number;
  replicaCostPerHour: number | null;
  activeUsers: number | null;
}

export interface SeriesCapacity {
  id: string;
  variant: string;
  /** configuration label in a search ('i2-t1'), else instances x threads as run */
  config: string;
  model: string;
  /** peak per replica under the SLO, from the measured curve; null when no rate met it */
  peakQps: number | null;
  /** the knee lies in [low, high] (sweep file v2); null when unknown */
  kneeSpread: { lowQps: number; highQps: number } | null;
  meanCandidates: number | null;
  observedHitRate: number | null;
  service: ServiceFacts;
  /** null when no service time was recorded or the knee was not reached (see peakIsLowerBound) */
  consistency: Consistency | null;
  /** no rate above the peak failed: the sweep stopped (max-qps, max-steps) before the knee */
  peakIsLowerBound: boolean;
  plan: CapacityPlan | null;
  whatIf: WhatIfPoint[] | null;
  /** the curve: every rate, ascending, judged under this SLO */
  curve: RateUnderSlo[];
}

export interface CapacityReport {
  options: CapacityOptions;
  sweep: { name: string; createdAt: string; sloP99Ms: number; commit: string | null; machine: string; memoryBytes: number; method: string };
  recommendation: Recommendation;
  series: SeriesCapacity[];
  estimates: PresetEstimates;
  notes: string[];
}

function hitMissProfile(runs: readonly RunResult[]) {
  // the lowest-rate sustained runs: closest to pure service time, least queueing in the mixture
  const run = runs.find((r) => r.histograms.cacheHit && r.histograms.cacheMiss && r.observedHitRate !== null);
  if (!run) return null;
  const hit = fromEncoded(run.histograms.cacheHit!);
  const miss = fromEncoded(run.histograms.cacheMiss!);
  if (hit.total === 0 || miss.total === 0) return null;
  // service time per cache outcome, from the `cache` tag's split, when the system under test reported it
  const hitService = run.tags?.cache?.hit?.timingsUs.service;
  const missService = run.tags?.cache?.miss?.timingsUs.service;
  const service = hitService && missService ? { hit: fromEncoded(hitService.histogram), miss: fromEncoded(missService.histogram) } : undefined;
  return { hit, miss, ...(service && service.hit.total > 0 && service.miss.total > 0 ? { service } : {}), observedHitRate: run.observedHitRate! };
}

function seriesCapacity(s: SweepSeries, o: CapacityOptions): SeriesCapacity {
  const peak = peakUnder(s, o.sloP99Ms);
  const service = serviceFacts(peak.lowLoadRuns);
  const atPeak = serviceFacts(peak.peakRuns);
  const config = configOf(s);
  const variant = asVariant(s.variant);
  const stateBytes = peak.peakRuns[0]?.userCache.stateBytesPerUser ?? (config && variant ? userStateBytes(config, variant) || null : null);
  const ask = { targetQps: o.peakQps, headroom: o.headroom, replicaCostPerHour: o.replicaCostPerHour, activeUsers: o.activeUsers };
  const plan = peak.peakQps !== null && atPeak.meanCandidates ? planCapacity({ peakQpsPerReplica: peak.peakQps, meanCandidates: atPeak.meanCandidates, stateBytesPerUser: stateBytes }, ask) : null;
  const profile = hitMissProfile(peak.lowLoadRuns);
  const kneeFound = peak.peakQps !== null && peak.rates.some((r) => !r.sustainable && r.targetQps > peak.peakQps!);
  return {
    id: s.id,
    variant: s.variant,
    config: s.config?.label ?? `i${service.instances}-t${service.threads}`,
    model: s.model || s.modelConfig,
    peakQps: peak.peakQps,
    kneeSpread: s.knee?.spread ?? null,
    meanCandidates: atPeak.meanCandidates,
    observedHitRate: atPeak.observedHitRate,
    service,
    consistency: kneeFound && service.meanServiceUs !== null ? checkConsistency(peak.peakQps!, service.instances, service.meanServiceUs) : null,
    peakIsLowerBound: peak.peakQps !== null && !kneeFound,
    plan,
    whatIf: profile && peak.peakQps !== null ? whatIfHitRates(profile, peak.peakQps, o.hitRates) : null,
    curve: peak.rates,
  };
}

export function buildCapacityReport(sweep: SweepResults, o: CapacityOptions): CapacityReport {
  const notes: string[] = [];
  if (o.sloP99Ms > sweep.sloP99Ms) {
    notes.push(`The sweep searched under p99 <= ${sweep.sloP99Ms} ms; rates above its knee were not measured, so peaks under the looser ${o.sloP99Ms} ms SLO are lower bounds.`);
  }
  const series = sweep.series.map((s) => seriesCapacity(s, o));
  for (const s of series) if (s.consistency && !s.consistency.agrees) notes.push(`${s.id}: ${s.consistency.text}.`);
  for (const s of series) if (s.peakIsLowerBound) notes.push(`${s.id}: every rate tried up to ${s.peakQps} req/s was sustained, so its peak (and the replicas) is a lower bound; sweep with a higher --max-qps or more --max-steps to find the knee.`);
  const estimates = presetEstimates(sweep, series, o);
  const cpu = sweep.machine.cpu;
  const m = sweep.method;
  return {
    options: o,
    sweep: {
      name: sweep.scenario.name,
      createdAt: sweep.createdAt,
      sloP99Ms: sweep.sloP99Ms,
      commit: sweep.git.commit,
      machine: `${cpu.brand}, ${cpu.cores} logical cores, ${(sweep.machine.memory.totalBytes / 2 ** 30).toFixed(0)} GiB`,
      memoryBytes: sweep.machine.memory.totalBytes,
      method: m ? `${m.note}.` : 'each rate run once (a sweep file of version 1: no repeats, so one noisy run decides a rate).',
    },
    recommendation: recommend(series),
    series,
    estimates,
    notes,
  };
}
