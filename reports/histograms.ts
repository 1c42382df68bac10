/**
 * Latency histograms from results (hdr-histogram-js compressed base64, µs): the percentile
 * spectrum and the what-if p99 of a hit/miss mixture. Percentiles are always read from the
 * histograms, never averaged.
 */
import { decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { valueAtPercentileUs } from '../harness/loadgen/histogram.ts';
import { requiredSamples } from '../harness/results/percentile-bound.ts';

export function decodeLatencyHistogram(base64: string): Histogram {
  // Same decoding as the harness: 32-bit buckets, plain JS (no WebAssembly needed to read).
  return decodeFromCompressedBase64(base64, 32, false);
}

export interface SpectrumPoint {
  /** percentile in [0, 100) */
  percentile: number;
  /** 1 / (1 - p): the x axis of a percentile spectrum (p50 -> 2, p99 -> 100, p99.9 -> 1000) */
  inverseTail: number;
  latencyUs: number;
}

/** Percentiles worth plotting: dense in the body, then 1-2-5 steps into the tail. */
const SPECTRUM_PERCENTILES = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 98, 99, 99.5, 99.8, 99.9, 99.95, 99.98, 99.99, 99.995, 99.999];

/**
 * The spectrum of one histogram up to the highest percentile its count supports: one whose
 * 99% upper bound exists (harness/results/percentile-bound.ts), e.g. p99 from 459 requests on.
 */
export function percentileSpectrum(histogram: Histogram): SpectrumPoint[] {
  const count = histogram.totalCount;
  if (count === 0) return [];
  const points: SpectrumPoint[] = [];
  for (const percentile of SPECTRUM_PERCENTILES) {
    if (requiredSamples(percentile) > count) break;
    points.push({ percentile, inverseTail: 100 / (100 - percentile), latencyUs: valueAtPercentileUs(histogram, percentile) });
  }
  return points;
}

/** Fine quantile grid (percentile, value) for CDF look-ups: linear body, logarithmic tail. */
function quantileGrid(histogram: Histogram): { p: number; v: number }[] {
  const grid: { p: number; v: number }[] = [];
  for (let i = 0; i <= 990; i++) grid.push({ p: i / 10, v: valueAtPercentileUs(histogram, i / 10) });
  for (let e = 2; e <= 5; e += 0.02) {
    const p = 100 - 100 * 10 ** -e;
    grid.push({ p, v: valueAtPercentileUs(histogram, p) });
  }
  grid.push({ p: 100, v: histogram.maxValue });
  return grid;
}

/** Fraction of samples <= x, read from a quantile grid (exact at grid points, conservative between). */
function cdfAt(grid: { p: number; v: number }[], x: number): number {
  let lo = 0;
  let hi = grid.length - 1;
  if (grid[0]!.v > x) return 0;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (grid[mid]!.v <= x) lo = mid;
    else hi = mid - 1;
  }
  return grid[lo]!.p / 100;
}

/**
 * Latency percentile q (e.g. 99) of a request stream in which a fraction h of requests are cache
 * hits drawn from `hit` and the rest misses drawn from `miss`, for each h in `hitRates`: solves
 * h F_hit(x) + (1-h) F_miss(x) = q by bisection. Shows what p99 a different cache hit rate would
 * give, without re-running. The quantile grids are read once (reading is the slow part).
 */
export function mixtureQuantilesUs(hit: Histogram, miss: Histogram, hitRates: number[], q = 99): number[] {
  const hitGrid = quantileGrid(hit);
  const missGrid = quantileGrid(miss);
  const target = q / 100;
  return hitRates.map((hitRate) => {
    if (hitRate >= 1) return valueAtPercentileUs(hit, q);
    if (hitRate <= 0) return valueAtPercentileUs(miss, q);
    let lo = Math.min(hit.minNonZeroValue, miss.minNonZeroValue);
    let hi = Math.max(hit.maxValue, miss.maxValue);
    for (let i = 0; i < 60 && hi - lo > 0.5; i++) {
      const mid = (lo + hi) / 2;
      const f = hitRate * cdfAt(hitGrid, mid) + (1 - hitRate) * cdfAt(missGrid, mid);
      if (f >= target) hi = mid;
      else lo = mid;
    }
    return Math.round(hi);
  });
}

export function mixtureQuantileUs(hit: Histogram, miss: Histogram, hitRate: number, q = 99): number {
  return mixtureQuantilesUs(hit, miss, [hitRate], q)[0]!;
}
