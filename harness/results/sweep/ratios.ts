/**
 * The sweep's own cross-check of variants: each variant's peak over baseline's (same runtime and
 * configuration) beside the ratio of their mean service times at low load (the lowest sustained
 * rate's runs, where requests barely queue), at the mean candidates per request of those runs.
 * When service time is what limits a replica the two ratios agree; a peak ratio far from the
 * service ratio means the knee came from something else (noise, queueing shape, overhead).
 */
import { peakUnder, serviceFacts } from '../capacity/peak.ts';
import type { RunResult } from '../contract.ts';
import type { SweepSeries } from './results.ts';
import { modelPeakQps, serviceQuantilesUs } from './queue-model.ts';

export interface PeakVsService {
  variant: string;
  over: string;
  configLabel: string | null;
  peakRatio: number | null;
  serviceRatio: number | null;
  /**
   * The peak ratio the two low-load service-time distributions predict under the same p99 SLO
   * (queue-model.ts: Poisson arrivals, FIFO, the instances as servers): what the SLO's headroom
   * alone makes of the service ratio. null without service histograms.
   */
  modelPeakRatio: number | null;
  meanCandidates: number | null;
}

export function peakVsServiceRatios(series: readonly SweepSeries[], sloP99Ms: number): PeakVsService[] {
  const key = (s: SweepSeries) => `${s.runtime} ${s.config?.label ?? ''}`;
  const out: PeakVsService[] = [];
  for (const base of series.filter((s) => s.variant === 'baseline')) {
    const b = peakUnder(base, sloP99Ms);
    const bs = serviceFacts(b.lowLoadRuns);
    for (const other of series.filter((s) => s.variant !== 'baseline' && key(s) === key(base))) {
      const o = peakUnder(other, sloP99Ms);
      const os = serviceFacts(o.lowLoadRuns);
      out.push({
        variant: other.variant,
        over: 'baseline',
        configLabel: other.config?.label ?? null,
        peakRatio: o.peakQps !== null && b.peakQps !== null ? o.peakQps / b.peakQps : null,
        serviceRatio: bs.meanServiceUs !== null && os.meanServiceUs !== null ? bs.meanServiceUs / os.meanServiceUs : null,
        meanCandidates: os.meanCandidates,
        modelPeakRatio: modelRatio(b.lowLoadRuns, o.lowLoadRuns, bs.instances, sloP99Ms),
      });
    }
  }
  return out;
}

/** The queue model's peak ratio of `otherRuns`' service times over `baseRuns`'; null without service histograms. */
function modelRatio(baseRuns: readonly RunResult[], otherRuns: readonly RunResult[], servers: number, sloP99Ms: number): number | null {
  const base = serviceQuantilesUs(baseRuns);
  const other = serviceQuantilesUs(otherRuns);
  if (base.length === 0 || other.length === 0) return null;
  const basePeak = modelPeakQps(base, servers, sloP99Ms * 1000);
  return basePeak > 0 ? modelPeakQps(other, servers, sloP99Ms * 1000) / basePeak : null;
}
