/**
 * The capacity report as data: per measured series (variant x runtime of a sweep) the peak under
 * the SLO, the plan at the target traffic, a hit-rate what-if from the hit/miss histograms; and
 * for the paper's RankMixer sizes not measured here, cost-model estimates scaled from the
 * measured FLOP rate (labelled as estimates). harness/ does the arithmetic; this file knows the
 * models (cost model, presets), so it lives with the composition root.
 */
import { planCapacity, type CapacityAsk, type CapacityPlan } from '../../harness/results/capacity/plan.ts';
import { whatIfHitRates, type WhatIfPoint } from '../../harness/results/capacity/what-if.ts';
import { fromEncoded } from '../../harness/results/compare/sample.ts';
import type { RunResult } from '../../harness/results/contract.ts';
import type { SweepResults, SweepSeries, SweepStep } from '../../harness/results/sweep/results.ts';
import { sustainReasons } from '../../harness/results/sweep/sustainable.ts';
import { parseConfig, type ModelConfig } from '../../models/config.ts';
import { requestCost, userStateBytes } from '../../models/cost.ts';
import { PRESETS } from '../../models/presets.ts';
import { VARIANTS, type Variant } from '../../models/variants.ts';

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
  model: string;
  /** peak per replica under the SLO, from the measured curve; null when no step met it */
  peakQps: number | null;
  peakStep: SweepStep | null;
  meanCandidates: number | null;
  observedHitRate: number | null;
  plan: CapacityPlan | null;
  whatIf: WhatIfPoint[] | null;
  /** the curve, sorted by target rate */
  curve: { targetQps: number; p99Ms: number; achievedQps: number; sustainable: boolean }[];
}

export interface PresetEstimate {
  preset: string;
  variant: string;
  /** measured series the FLOP rate was taken from */
  scaledFrom: string;
  achievedGflopPerS: number;
  flopsPerRequest: number;
  peakQps: number;
  weightBytes: number;
  fitsInMemory: boolean;
  plan: CapacityPlan;
  estimate: true;
}

export interface CapacityReport {
  options: CapacityOptions;
  sweep: { name: string; createdAt: string; sloP99Ms: number; commit: string | null; machine: string; memoryBytes: number };
  series: SeriesCapacity[];
  estimates: PresetEstimate[];
  notes: string[];
}


function configOf(series: SweepSeries): ModelConfig | null {
  // the model as data in the steps' runs; sweeps of version 1 runs only had the flattened string
  const fromData = series.steps.find((step) => step.run.model)?.run.model?.config;
  if (fromData) {
    try {
      return parseConfig(fromData);
    } catch {
      return null;
    }
  }
  const entries = series.modelConfig.split(/\s+/).map((kv) => kv.split('=')).filter((kv) => kv.length === 2);
  if (entries.length === 0) return null;
  try {
    return parseConfig(Object.fromEntries(entries.map(([k, v]) => [k, Number(v)])));
  } catch {
    return null;
  }
}

const asVariant = (name: string): Variant | null => ((VARIANTS as readonly string[]).includes(name) ? (name as Variant) : null);

/** Cost-model FLOPs per request at a hit rate (a hit skips the user pass). */
function flopsPerRequest(config: ModelConfig, variant: Variant, candidates: number, hitRate: number): number {
  const n = Math.max(1, Math.round(candidates));
  const miss = requestCost({ config, variant, candidates: n }).flops.total;
  const hit = requestCost({ config, variant, candidates: n, userPassRan: false }).flops.total;
  return hitRate * hit + (1 - hitRate) * miss;
}

function hitMissProfile(steps: SweepStep[]) {
  // the lowest-rate sustained step: closest to pure service time, least queueing in the mixture
  const step = steps.filter((s) => s.sustainable && s.run.histograms.cacheHit && s.run.histograms.cacheMiss && s.run.observedHitRate !== null).sort((a, b) => a.targetQps - b.targetQps)[0];
  if (!step) return null;
  const hit = fromEncoded(step.run.histograms.cacheHit!);
  const miss = fromEncoded(step.run.histograms.cacheMiss!);
  if (hit.total === 0 || miss.total === 0) return null;
  return { hit, miss, observedHitRate: step.run.observedHitRate! };
}

const meanCandidatesOf = (run: RunResult) => (run.throughput.requestsPerS > 0 ? run.throughput.candidatesPerS / run.throughput.requestsPerS : null);

export function buildCapacityReport(sweep: SweepResults, o: CapacityOptions): CapacityReport {
  const notes: string[] = [];
  if (o.sloP99Ms > sweep.sloP99Ms) {
    notes.push(`The sweep searched under p99 <= ${sweep.sloP99Ms} ms; steps above that rate were not measured, so peaks under the looser ${o.sloP99Ms} ms SLO are lower bounds.`);
  }
  const ask: CapacityAsk = { targetQps: o.peakQps, headroom: o.headroom, replicaCostPerHour: o.replicaCostPerHour, activeUsers: o.activeUsers };
  const series = sweep.series.map((s) => seriesCapacity(s, o, ask));
  const estimates = presetEstimates(sweep, series, ask);
  if (estimates.length > 0) {
    notes.push(
      'RankMixer sizes marked "estimate" were not run here: their peak is the measured series\' achieved GFLOP/s at its peak divided by the cost-model FLOPs per request of the larger model, at the same candidates and hit rate. Larger GEMMs usually run at a higher FLOP rate, so for compute-bound runtimes these estimates are conservative; latency (the SLO) is not modelled. Run `ugbench sweep` with `model: {preset: rankmixer-100m}` to measure instead.',
    );
  }
  const slowest = Math.min(...estimates.map((e) => e.achievedGflopPerS));
  if (estimates.length > 0 && slowest < 5) {
    notes.push(`A source series ran at only ${slowest.toFixed(2)} GFLOP/s: small models are bound by per-request overhead, not FLOPs, so estimates scaled from them are far too pessimistic. Sweep a larger preset (small, wide) before trusting them.`);
  }
  const cpu = sweep.machine.cpu;
  return {
    options: o,
    sweep: {
      name: sweep.scenario.name,
      createdAt: sweep.createdAt,
      sloP99Ms: sweep.sloP99Ms,
      commit: sweep.git.commit,
      machine: `${cpu.brand}, ${cpu.cores} logical cores, ${(sweep.machine.memory.totalBytes / 2 ** 30).toFixed(0)} GiB`,
      memoryBytes: sweep.machine.memory.totalBytes,
    },
    series,
    estimates,
    notes,
  };
}

/** One measured series: its peak under the SLO, the capacity plan at that peak, its curve. */
function seriesCapacity(s: SweepSeries, o: CapacityOptions, ask: CapacityAsk): SeriesCapacity {
  const ok = s.steps.filter((step) => sustainReasons(step.run, step.targetQps, { sloP99Ms: o.sloP99Ms }).length === 0);
  const peakStep = ok.sort((a, b) => b.targetQps - a.targetQps)[0] ?? null;
  const meanCandidates = peakStep ? meanCandidatesOf(peakStep.run) : null;
  const config = configOf(s);
  const variant = asVariant(s.variant);
  const stateBytes = peakStep?.run.userCache.stateBytesPerUser ?? (config && variant ? userStateBytes(config, variant) || null : null);
  const plan = peakStep && meanCandidates ? planCapacity({ peakQpsPerReplica: peakStep.targetQps, meanCandidates, stateBytesPerUser: stateBytes }, ask) : null;
  const profile = hitMissProfile(s.steps);
  return {
    id: s.id,
    variant: s.variant,
    model: s.model || s.modelConfig,
    peakQps: peakStep?.targetQps ?? null,
    peakStep,
    meanCandidates,
    observedHitRate: peakStep?.run.observedHitRate ?? null,
    plan,
    whatIf: profile && peakStep ? whatIfHitRates(profile, peakStep.targetQps, o.hitRates) : null,
    curve: [...s.steps]
      .sort((a, b) => a.targetQps - b.targetQps)
      .map((step) => ({ targetQps: step.targetQps, p99Ms: step.run.latencyUs.overall.p99Us / 1000, achievedQps: step.run.throughput.requestsPerS, sustainable: step.sustainable })),
  };
}

/** The RankMixer presets not measured, scaled from each measured series' achieved GFLOP/s. */
function presetEstimates(sweep: SweepResults, series: readonly SeriesCapacity[], ask: CapacityAsk): PresetEstimate[] {
  const measuredModels = new Set(series.map((s) => s.model));
  const estimates: PresetEstimate[] = [];
  for (const preset of ['rankmixer-100m', 'rankmixer-1b'] as const) {
    if (measuredModels.has(preset)) continue; // measured: the series above are the answer
    const target = PRESETS[preset].config;
    for (const s of series) {
      const source = sweep.series.find((x) => x.id === s.id)!;
      const config = configOf(source);
      const variant = asVariant(s.variant);
      if (!config || !variant || !s.peakQps || !s.meanCandidates) continue;
      const hitRate = s.observedHitRate ?? 0;
      const achievedGflopPerS = (s.peakQps * flopsPerRequest(config, variant, s.meanCandidates, hitRate)) / 1e9;
      const flops = flopsPerRequest(target, variant, s.meanCandidates, hitRate);
      const peakQps = (achievedGflopPerS * 1e9) / flops;
      const weightBytes = requestCost({ config: target, variant, candidates: 1 }).weightBytes;
      estimates.push({
        preset,
        variant: s.variant,
        scaledFrom: s.id,
        achievedGflopPerS,
        flopsPerRequest: flops,
        peakQps,
        weightBytes,
        fitsInMemory: weightBytes * 2 < sweep.machine.memory.totalBytes, // weights + runtime copy
        plan: planCapacity({ peakQpsPerReplica: peakQps, meanCandidates: s.meanCandidates, stateBytesPerUser: userStateBytes(target, variant) || null }, ask),
        estimate: true,
      });
    }
  }
  return estimates;
}
