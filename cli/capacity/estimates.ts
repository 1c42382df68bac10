/**
 * The paper's RankMixer sizes when the sweep did not measure them: roofline estimates
 * (harness/results/capacity/roofline-estimate.ts) from the best measured series of each variant,
 * labelled as estimates with their assumption, or refused with the reason: no roofline recorded,
 * the measured series is overhead-bound, its facts are missing, or one request alone would take
 * longer than the SLO.
 */
import { planCapacity, type CapacityPlan } from '../../harness/results/capacity/plan.ts';
import { overheadBoundReason, rooflineAssumption, rooflineEstimate, type MeasuredSeries, type Roof, type RooflineEstimate } from '../../harness/results/capacity/roofline-estimate.ts';
import type { SweepResults } from '../../harness/results/sweep/results.ts';
import { userStateBytes } from '../../models/cost.ts';
import { PRESETS } from '../../models/presets.ts';
import type { CapacityOptions, SeriesCapacity } from './build.ts';
import { asVariant, costPerRequest } from './model-of.ts';

export const ESTIMATED_PRESETS = ['rankmixer-100m', 'rankmixer-1b'] as const;

export interface PresetEstimate {
  preset: string;
  variant: string;
  scaledFrom: string;
  estimate: RooflineEstimate;
  /** replicas at the estimate, and at the bound (the fewest the roof allows) */
  plan: CapacityPlan;
  planAtBound: CapacityPlan;
  flopsPerRequest: number;
  /** fp32/int8 weights of one instance, times the instances of a replica */
  weightBytesPerReplica: number;
  fitsInMemory: boolean;
}

export interface PresetRefusal {
  preset: string;
  variant: string;
  reason: string;
}

export interface PresetEstimates {
  estimates: PresetEstimate[];
  refusals: PresetRefusal[];
  /** the assumption every estimate rests on; null when none was made */
  assumption: string | null;
}

function roofOf(sweep: SweepResults): Roof | string {
  const l = sweep.limits;
  if (!l) return `no roofline recorded with the sweep (${sweep.limitsUnavailable ?? 'a sweep file from before limits were recorded'}): run \`ugbench limits\` and sweep again`;
  if (l.gemm.peakGflopPerS === null) return `no GEMM peak measured on this machine: ${l.gemm.unavailableReason ?? 'unknown reason'}`;
  return { peakGflopPerS: l.gemm.peakGflopPerS, gemmThreads: l.gemm.threads, peakGBPerS: l.bandwidth.peakGBPerS };
}

/** The measured facts to scale from, knee utilisation 1 until checked; or why there are none. */
function measuredOf(s: SeriesCapacity): MeasuredSeries | string {
  const f = s.service;
  if (s.peakQps === null) return `${s.id} met the SLO at no rate: nothing to scale from`;
  if (f.flopsPerRequest === null || f.bytesPerRequest === null || f.meanServiceUs === null) return `${s.id} has no cost-model FLOPs or service time in its runs`;
  return { id: s.id, model: s.model, flopsPerRequest: f.flopsPerRequest, bytesPerRequest: f.bytesPerRequest, meanServiceUs: f.meanServiceUs, instances: f.instances, threads: f.threads, kneeUtilisation: s.consistency?.kneeUtilisation ?? 1 };
}

/** The knee must have been found and agree with the service time before its queueing margin is reused. */
function kneeProblem(s: SeriesCapacity): string | null {
  if (s.peakIsLowerBound || !s.consistency) return `${s.id} never reached its knee (every rate tried was sustained): the share of capacity usable under the SLO is unknown`;
  if (!s.consistency.agrees) return `${s.id} fails its self-check (${s.consistency.text}): its service time cannot be trusted to scale from`;
  return null;
}

export function presetEstimates(sweep: SweepResults, series: readonly SeriesCapacity[], o: CapacityOptions): PresetEstimates {
  const out: PresetEstimates = { estimates: [], refusals: [], assumption: null };
  const measuredModels = new Set(series.map((s) => s.model));
  const roof = roofOf(sweep);
  const ask = { targetQps: o.peakQps, headroom: o.headroom, replicaCostPerHour: o.replicaCostPerHour, activeUsers: o.activeUsers };
  for (const preset of ESTIMATED_PRESETS) {
    if (measuredModels.has(preset)) continue; // measured: the series are the answer
    const target = PRESETS[preset].config;
    for (const variantName of [...new Set(series.map((s) => s.variant))]) {
      const refuse = (reason: string) => out.refusals.push({ preset, variant: variantName, reason });
      const variant = asVariant(variantName);
      // the best measured series of the variant whose peak agrees with its service time
      const candidates = series.filter((s) => s.variant === variantName && s.peakQps !== null).sort((a, b) => Number(b.consistency?.agrees ?? false) - Number(a.consistency?.agrees ?? false) || b.peakQps! - a.peakQps!);
      const best = candidates[0];
      if (typeof roof === 'string') { refuse(roof); continue; }
      if (!variant || !best) { refuse(`${variantName}: no measured series met the SLO, nothing to scale from`); continue; }
      const measured = measuredOf(best);
      if (typeof measured === 'string') { refuse(measured); continue; }
      const sibling = series.map(measuredOf).find((m): m is MeasuredSeries => typeof m !== 'string' && m.id !== measured.id && m.model === measured.model);
      const problem = overheadBoundReason(measured, roof, sibling) ?? kneeProblem(best);
      if (problem) { refuse(problem); continue; }
      const cost = costPerRequest(target, variant, best.meanCandidates ?? 1, best.observedHitRate ?? 0);
      const estimate = rooflineEstimate(measured, cost, roof);
      if (estimate.serviceUs / 1000 > o.sloP99Ms) {
        refuse(`one ${preset} ${variantName} request alone is estimated at ${(estimate.serviceUs / 1000).toFixed(1)} ms (at best ${(estimate.bestServiceUs / 1000).toFixed(1)} ms at the roof) > SLO ${o.sloP99Ms} ms: this machine cannot serve it under the SLO at any rate`);
        continue;
      }
      const stateBytes = userStateBytes(target, variant) || null;
      const weightBytesPerReplica = cost.weightBytes * measured.instances;
      out.estimates.push({
        preset,
        variant: variantName,
        scaledFrom: best.id,
        estimate,
        plan: planCapacity({ peakQpsPerReplica: estimate.peakQps, meanCandidates: best.meanCandidates ?? 1, stateBytesPerUser: stateBytes }, ask),
        planAtBound: planCapacity({ peakQpsPerReplica: estimate.peakBoundQps, meanCandidates: best.meanCandidates ?? 1, stateBytesPerUser: stateBytes }, ask),
        flopsPerRequest: cost.flopsPerRequest,
        weightBytesPerReplica,
        fitsInMemory: weightBytesPerReplica * 2 < sweep.machine.memory.totalBytes, // weights + runtime copy
      });
      out.assumption = rooflineAssumption(roof);
    }
  }
  return out;
}
