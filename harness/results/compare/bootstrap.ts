/**
 * Two-stage bootstrap confidence interval for the relative change of latency quantiles between
 * side A (before) and side B (after), each measured as R repeated runs.
 *
 * Why two stages: on a noisy CI machine most of the variance is between runs (a neighbour
 * steals a core for a whole run), not within one. Each bootstrap replicate therefore first
 * resamples the repeats with replacement (run-to-run noise), then resamples requests within
 * each chosen repeat from its histogram (sampling noise), pools them and takes the quantile.
 * The two-stage bootstrap over-covers slightly, which for a gate means fewer false alarms.
 * With R = 1 per side (gate --baseline) only the second stage varies: the interval then says
 * nothing about run-to-run noise, and the tolerance has to absorb it.
 *
 * Large runs are resampled at most `maxDrawsPerRepeat` requests per repeat (an m-out-of-n
 * bootstrap): this widens the interval, never narrows it, and bounds the time spent.
 */
import { Rng } from '../../rng.ts';
import type { WeightedSample } from './sample.ts';

export interface BootstrapOptions {
  /** quantiles to compare, in (0, 1], e.g. [0.5, 0.99] */
  quantiles: readonly number[];
  /** bootstrap replicates; default 1000 */
  replicates?: number;
  /** two-sided confidence level; default 0.95 */
  confidence?: number;
  seed?: number;
  /** cap on requests drawn per repeat per replicate; default 20000 */
  maxDrawsPerRepeat?: number;
}

export interface QuantileChange {
  quantile: number;
  /** pooled (merged-histogram) quantile of each side */
  a: number;
  b: number;
  /** b / a - 1 on the pooled samples */
  relative: number;
  /** bootstrap percentile interval of b / a - 1 */
  low: number;
  high: number;
}

/** A sample prepared for fast drawing: cumulative counts over a grid shared by both sides. */
interface Prepared {
  /** cumulative counts, one per distinct value of this sample */
  cumulative: Float64Array;
  /** grid index of each distinct value */
  gridIndex: Int32Array;
  total: number;
}

export function bootstrapQuantileChange(a: readonly WeightedSample[], b: readonly WeightedSample[], options: BootstrapOptions): QuantileChange[] {
  if (a.length === 0 || b.length === 0) throw new RangeError('bootstrap: each side needs at least one sample');
  if ([...a, ...b].some((s) => s.total <= 0)) throw new RangeError('bootstrap: a sample has no values');
  const replicates = options.replicates ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const maxDraws = options.maxDrawsPerRepeat ?? 20000;
  const rng = new Rng(options.seed ?? 1).fork('bootstrap');

  const grid = Float64Array.from(new Set([...a, ...b].flatMap((s) => [...s.values]))).sort();
  const prepare = (s: WeightedSample): Prepared => {
    const cumulative = new Float64Array(s.values.length);
    let sum = 0;
    s.counts.forEach((c, i) => (cumulative[i] = sum += c));
    const gridIndex = Int32Array.from(s.values, (v) => lowerBound(grid, v));
    return { cumulative, gridIndex, total: sum };
  };
  const preparedA = a.map(prepare);
  const preparedB = b.map(prepare);
  const counts = new Float64Array(grid.length);

  const replicate = (side: Prepared[]): number[] => {
    counts.fill(0);
    let drawn = 0;
    for (let r = 0; r < side.length; r++) {
      const repeat = side[rng.int(0, side.length - 1)] as Prepared;
      const draws = Math.min(repeat.total, maxDraws);
      for (let i = 0; i < draws; i++) {
        const at = upperBound(repeat.cumulative, rng.uniform() * repeat.total);
        counts[repeat.gridIndex[at] as number]! += 1;
      }
      drawn += draws;
    }
    return quantilesOfCounts(grid, counts, drawn, options.quantiles);
  };

  const changes: number[][] = options.quantiles.map(() => []);
  for (let i = 0; i < replicates; i++) {
    const qa = replicate(preparedA);
    const qb = replicate(preparedB);
    options.quantiles.forEach((_, j) => changes[j]!.push((qb[j] as number) / (qa[j] as number) - 1));
  }

  const pooledA = pooledQuantiles(grid, preparedA, options.quantiles);
  const pooledB = pooledQuantiles(grid, preparedB, options.quantiles);
  const alpha = 1 - confidence;
  return options.quantiles.map((quantile, j) => {
    const sorted = Float64Array.from(changes[j]!).sort();
    const pa = pooledA[j] as number;
    const pb = pooledB[j] as number;
    return {
      quantile,
      a: pa,
      b: pb,
      relative: pb / pa - 1,
      low: percentileOfSorted(sorted, alpha / 2),
      high: percentileOfSorted(sorted, 1 - alpha / 2),
    };
  });
}

function pooledQuantiles(grid: Float64Array, side: Prepared[], quantiles: readonly number[]): number[] {
  const counts = new Float64Array(grid.length);
  let total = 0;
  for (const s of side) {
    let previous = 0;
    s.cumulative.forEach((c, i) => {
      counts[s.gridIndex[i] as number]! += c - previous;
      previous = c;
    });
    total += s.total;
  }
  return quantilesOfCounts(grid, counts, total, quantiles);
}

function quantilesOfCounts(grid: Float64Array, counts: Float64Array, total: number, quantiles: readonly number[]): number[] {
  const out: number[] = [];
  for (const q of quantiles) {
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    let i = 0;
    for (; i < grid.length; i++) {
      seen += counts[i] as number;
      if (seen >= rank) break;
    }
    out.push(grid[Math.min(i, grid.length - 1)] as number);
  }
  return out;
}

/** Linear interpolation between order statistics (type 7). */
function percentileOfSorted(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const position = p * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + (position - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose cumulative count exceeds x (x uniform in [0, total)). */
function upperBound(cumulative: Float64Array, x: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
