/**
 * The sweep's own cross-check of variants: each variant's peak over baseline's (same runtime and
 * configuration) beside the model's speedup: the paired, interleaved service-time speedup of the
 * sweep's paired phase in the candidate bucket holding the mean candidates per request, and the
 * ratio of mean service times in the lowest sustained rate's runs (where requests barely queue).
 * When service time is what limits a replica the ratios agree; a peak ratio far from the
 * service ratios means the knee came from something else (noise, queueing shape, overhead).
 * The paired speedup is the firmer of the two: both variants score the same requests back to
 * back on an idle instance, where the low-load runs are separate runs under some load.
 */
import { peakUnder, serviceFacts } from '../capacity/peak.ts';
import type { PairedBucket, PairedComparison, PairedSpeedup, RunResult } from '../contract.ts';
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
  /** the paired speedup (variant over baseline) in the bucket holding meanCandidates; null without a paired phase */
  paired: (Pick<PairedSpeedup, 'ratio' | 'lo95' | 'hi95'> & { bucket: string; n: number }) | null;
}

/** The paired bucket whose candidate range holds `candidates` (rounded), else the `all` bucket. */
function bucketHolding(paired: PairedComparison, candidates: number | null): PairedBucket | undefined {
  const c = candidates === null ? null : Math.round(candidates);
  const holding = c === null ? undefined : paired.buckets.find((b) => b.bucket !== 'all' && b.loCandidates <= c && c <= b.hiCandidates);
  return holding ?? paired.buckets.find((b) => b.bucket === 'all');
}

function pairedSpeedupAt(paired: PairedComparison | undefined, variant: string, candidates: number | null): PeakVsService['paired'] {
  const bucket = paired ? bucketHolding(paired, candidates) : undefined;
  const speedup = bucket?.speedups.find((s) => s.variant === variant && s.over === 'baseline');
  return bucket && speedup ? { ratio: speedup.ratio, lo95: speedup.lo95, hi95: speedup.hi95, bucket: bucket.bucket, n: bucket.n } : null;
}

export function peakVsServiceRatios(series: readonly SweepSeries[], sloP99Ms: number, paired?: PairedComparison): PeakVsService[] {
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
        // a search's configurations differ from the paired phase's (the scenario's): no pairing there
        paired: other.config ? null : pairedSpeedupAt(paired, other.variant, os.meanCandidates),
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
