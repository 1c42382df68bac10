/** Percentile spectrum and what-if hit-rate mixtures read from real HDR histograms. */
import { build } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { mixtureQuantileUs, percentileSpectrum } from '../../reports/histograms.ts';

function histogramOf(values: number[]) {
  const h = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, bitBucketSize: 32, useWebAssembly: false });
  for (const v of values) h.recordValue(v);
  return h;
}

describe('histograms', () => {
  const hit = histogramOf(Array.from({ length: 1000 }, (_v, i) => 1000 + i)); // 1.0-2.0 ms
  const miss = histogramOf(Array.from({ length: 1000 }, (_v, i) => 10_000 + 10 * i)); // 10-20 ms

  it('spectrum stops where the tail holds less than one sample', () => {
    const points = percentileSpectrum(hit);
    expect(points[0]!.percentile).toBe(0);
    expect(Math.max(...points.map((p) => p.percentile))).toBeLessThanOrEqual(99.9);
    expect(points.find((p) => p.percentile === 99)!.inverseTail).toBeCloseTo(100, 9);
  });

  it('what-if p99 is the miss p99 at 0% hits, the hit p99 at 100%, and falls with the hit rate', () => {
    expect(mixtureQuantileUs(hit, miss, 0)).toBe(miss.getValueAtPercentile(99));
    expect(mixtureQuantileUs(hit, miss, 1)).toBe(hit.getValueAtPercentile(99));
    // 50% hits: p99 of the mixture is the miss distribution's p98 (0.5 + 0.5 F_miss = 0.99).
    expect(mixtureQuantileUs(hit, miss, 0.5)).toBeGreaterThan(miss.getValueAtPercentile(97.8));
    expect(mixtureQuantileUs(hit, miss, 0.5)).toBeLessThan(miss.getValueAtPercentile(98.2));
    // 99.5% hits: fewer misses than the 1% tail, so p99 falls into the hit distribution.
    expect(mixtureQuantileUs(hit, miss, 0.995)).toBeLessThan(2100);
  });
});
