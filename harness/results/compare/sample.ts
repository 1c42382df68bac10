/**
 * A latency sample as distinct values with counts: what an HDR histogram holds. Bootstrap
 * resampling draws from this directly, so a run of 100k requests costs its ~1-2k distinct
 * buckets in memory, not 100k numbers.
 */
import hdr from 'hdr-histogram-js';

export interface WeightedSample {
  /** distinct values, ascending (µs for latency) */
  values: Float64Array;
  /** count of each value */
  counts: Float64Array;
  /** sum of counts */
  total: number;
}

export function fromValues(raw: ArrayLike<number>): WeightedSample {
  const sorted = Float64Array.from(raw).sort();
  const values: number[] = [];
  const counts: number[] = [];
  for (const v of sorted) {
    if (values.length > 0 && values[values.length - 1] === v) counts[counts.length - 1]! += 1;
    else {
      values.push(v);
      counts.push(1);
    }
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts), total: sorted.length };
}

/** Minimal view of hdr-histogram-js's iterator (typed loosely there). */
interface RecordedValues {
  reset(): void;
  hasNext(): boolean;
  next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
}

export function fromHistogram(histogram: hdr.Histogram): WeightedSample {
  const iterator = (histogram as unknown as { recordedValuesIterator: RecordedValues }).recordedValuesIterator;
  iterator.reset();
  const values: number[] = [];
  const counts: number[] = [];
  while (iterator.hasNext()) {
    const step = iterator.next();
    values.push(step.valueIteratedTo);
    counts.push(step.countAtValueIteratedTo);
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts), total: counts.reduce((a, b) => a + b, 0) };
}

/** From results JSON's compressed base64 histogram (see harness/results/contract.ts). */
export function fromEncoded(base64: string): WeightedSample {
  const histogram = hdr.decodeFromCompressedBase64(base64);
  try {
    return fromHistogram(histogram);
  } finally {
    histogram.destroy();
  }
}

/** Value at quantile q in (0, 1]: the smallest value with at least ceil(q * total) at or below it. */
export function quantile(sample: WeightedSample, q: number): number {
  const rank = Math.max(1, Math.ceil(q * sample.total));
  let seen = 0;
  for (let i = 0; i < sample.values.length; i++) {
    seen += sample.counts[i] as number;
    if (seen >= rank) return sample.values[i] as number;
  }
  return sample.values[sample.values.length - 1] ?? NaN;
}

/** Pool several samples (exact, like merging histograms). */
export function pool(samples: readonly WeightedSample[]): WeightedSample {
  const byValue = new Map<number, number>();
  for (const s of samples) s.values.forEach((v, i) => byValue.set(v, (byValue.get(v) ?? 0) + (s.counts[i] as number)));
  const values = Float64Array.from([...byValue.keys()]).sort();
  const counts = Float64Array.from(values, (v) => byValue.get(v) as number);
  return { values, counts, total: counts.reduce((a, b) => a + b, 0) };
}
