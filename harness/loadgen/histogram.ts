/**
 * HDR histograms of microseconds: one configuration everywhere so histograms from different
 * runs, shards and machines can be added exactly. Stored in results as hdr-histogram-js's
 * compressed base64 encoding.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

/** A histogram's summary, µs; `count` is how many samples the percentiles rest on. */
export interface LatencySummary {
  count: number;
  minUs: number;
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
}

/** 1 µs .. 1 hour at 3 significant digits (0.1% value precision). */
export const HISTOGRAM_LOWEST_US = 1;
export const HISTOGRAM_HIGHEST_US = 3_600_000_000;
export const HISTOGRAM_SIGNIFICANT_DIGITS = 3;

export function createLatencyHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: HISTOGRAM_SIGNIFICANT_DIGITS,
    bitBucketSize: 32,
    useWebAssembly: false,
  });
}

/** Record a latency, rounded to whole µs and clamped into the trackable range. */
export function recordUs(histogram: Histogram, valueUs: number): void {
  const v = Math.round(valueUs);
  histogram.recordValue(v < HISTOGRAM_LOWEST_US ? HISTOGRAM_LOWEST_US : v > HISTOGRAM_HIGHEST_US ? HISTOGRAM_HIGHEST_US : v);
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(base64: string): Histogram {
  return decodeFromCompressedBase64(base64, 32, false);
}

/**
 * The value at a percentile, never above the max. hdr-histogram-js answers a percentile with the
 * highest value of its bucket (up to 0.1% above what was recorded) while `maxValue` is the exact
 * largest recording, so a p99 that falls in the max's bucket came out above the max.
 */
export function valueAtPercentileUs(histogram: Histogram, percentile: number): number {
  return Math.min(histogram.getValueAtPercentile(percentile), histogram.maxValue);
}

export function summarize(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, minUs: 0, meanUs: 0, p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0 };
  return {
    count,
    minUs: histogram.minNonZeroValue,
    meanUs: histogram.mean,
    p50Us: valueAtPercentileUs(histogram, 50),
    p90Us: valueAtPercentileUs(histogram, 90),
    p99Us: valueAtPercentileUs(histogram, 99),
    p999Us: valueAtPercentileUs(histogram, 99.9),
    maxUs: histogram.maxValue,
  };
}
