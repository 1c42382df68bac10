/**
 * What-if over cache hit rates, from a run's separate hit and miss histograms.
 * A hit skips the user pass, so a request's service time is a mixture: with hit rate h,
 *   mean service(h) = h x meanHit + (1 - h) x meanMiss
 *   peak(h)         = peak(observed h) x service(observed h) / service(h)
 * (a replica's capacity scales with the inverse of its mean service time). The means come from
 * the hit and miss *service-time* histograms (compute in the model instance) where the run has
 * them, else from their latency histograms, which hold some queueing too (`serviceBasis` says
 * which). The latency distribution at low load is the mixture h x F_hit + (1 - h) x F_miss of
 * the latency histograms, whose p99 is found by bisection. Assumes hits and misses keep their
 * measured shapes; it is a model, and the output says so.
 */
import type { WeightedSample } from '../compare/sample.ts';

export interface HitMissProfile {
  /** latency of hits and misses */
  hit: WeightedSample;
  miss: WeightedSample;
  /** service time of hits and misses, when the run's system under test reported it */
  service?: { hit: WeightedSample; miss: WeightedSample };
  /** hit rate the histograms were measured at */
  observedHitRate: number;
}

/** What the what-if's mean service times rest on. */
export type ServiceBasis = 'service' | 'latency';

export function meanOf(sample: WeightedSample): number {
  let sum = 0;
  sample.values.forEach((v, i) => (sum += v * (sample.counts[i] as number)));
  return sample.total === 0 ? NaN : sum / sample.total;
}

/** Fraction of the sample at or below x. */
export function cdfAt(sample: WeightedSample, x: number): number {
  let below = 0;
  for (let i = 0; i < sample.values.length && (sample.values[i] as number) <= x; i++) below += sample.counts[i] as number;
  return sample.total === 0 ? 0 : below / sample.total;
}

export function serviceBasis(profile: HitMissProfile): ServiceBasis {
  return profile.service ? 'service' : 'latency';
}

export function meanServiceUs(profile: HitMissProfile, hitRate: number): number {
  const { hit, miss } = profile.service ?? profile;
  return hitRate * meanOf(hit) + (1 - hitRate) * meanOf(miss);
}

/** Quantile q of the mixture h x hit + (1 - h) x miss: the smallest recorded value whose mixed CDF reaches q. */
export function mixtureQuantile(profile: HitMissProfile, hitRate: number, q: number): number {
  const candidates = Float64Array.from(new Set([...profile.hit.values, ...profile.miss.values])).sort();
  let lo = 0;
  let hi = candidates.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = candidates[mid] as number;
    if (hitRate * cdfAt(profile.hit, x) + (1 - hitRate) * cdfAt(profile.miss, x) >= q) hi = mid;
    else lo = mid + 1;
  }
  return candidates[lo] ?? NaN;
}

export interface WhatIfPoint {
  hitRate: number;
  meanServiceUs: number;
  /** what meanServiceUs rests on */
  serviceBasis: ServiceBasis;
  /** scaled peak per replica */
  peakQps: number;
  /** p99 of the hit/miss mixture at the measured (low) load, µs */
  p99Us: number;
}

export function whatIfHitRates(profile: HitMissProfile, observedPeakQps: number, hitRates: readonly number[]): WhatIfPoint[] {
  const observed = meanServiceUs(profile, profile.observedHitRate);
  return hitRates.map((hitRate) => {
    const service = meanServiceUs(profile, hitRate);
    return { hitRate, meanServiceUs: service, serviceBasis: serviceBasis(profile), peakQps: (observedPeakQps * observed) / service, p99Us: mixtureQuantile(profile, hitRate, 0.99) };
  });
}
