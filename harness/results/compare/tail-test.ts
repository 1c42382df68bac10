/**
 * Beyond percentiles: a two-sample Kolmogorov-Smirnov test on the latency tail, so a new slow
 * mode that leaves p50 (and even p99) where it was still shows. Both sides are cut at the SAME
 * threshold, side A's p90, and the test compares the distributions of the requests above it;
 * the share of each side above the threshold is reported beside (10% for A by construction).
 *
 * The KS p-value assumes independent requests. Requests of one run share that run's machine
 * state, so a busy neighbour during one run moves its whole tail and pooled A/A tails "differ"
 * at p < 1e-10. The verdict therefore also needs the two sides' tails to differ more than any
 * single run's tail differs from the rest of its own side (runSpreadD, needs >= 2 runs on a
 * side), and an effect floor (D >= minD: a tenth of the tail moved). Reported beside the
 * quantile intervals, not gated on.
 */
import { pool, quantile, type WeightedSample } from './sample.ts';

export interface TailTestOptions {
  /** quantile of side A where the tail starts; default 0.9 */
  fromQuantile?: number;
  /** significance level; default 0.001 */
  alpha?: number;
  /** smallest KS distance worth reporting as a change; default 0.1 */
  minD?: number;
  /** fewest tail requests per side for a verdict; default 20 */
  minTailCount?: number;
}

export interface TailTest {
  fromQuantile: number;
  /** side A's quantile at fromQuantile, in the samples' unit (µs) */
  thresholdUs: number;
  /** requests above the threshold on each side, and their share of the side */
  tailCountA: number;
  tailCountB: number;
  tailShareA: number;
  tailShareB: number;
  /** largest distance between the two tails' empirical CDFs */
  d: number;
  /** largest KS distance between one run's tail and the pooled rest of its side; 0 with one run per side */
  runSpreadD: number;
  /** asymptotic two-sided p-value (Kolmogorov distribution, Stephens' small-sample correction) */
  p: number;
  verdict: 'tail differs' | 'tail alike' | 'too few tail samples';
  alpha: number;
  minD: number;
}

/** `a` and `b` are the runs of each side; the test is on their pooled tails. */
export function tailTest(runsA: readonly WeightedSample[], runsB: readonly WeightedSample[], options: TailTestOptions = {}): TailTest {
  const a = pool(runsA);
  const b = pool(runsB);
  const fromQuantile = options.fromQuantile ?? 0.9;
  const alpha = options.alpha ?? 0.001;
  const minD = options.minD ?? 0.1;
  const thresholdUs = quantile(a, fromQuantile);
  const tailA = above(a, thresholdUs);
  const tailB = above(b, thresholdUs);
  const d = ksDistance(tailA, tailB);
  const runSpreadD = Math.max(runSpread(runsA, thresholdUs), runSpread(runsB, thresholdUs));
  const effectiveN = (tailA.total * tailB.total) / (tailA.total + tailB.total);
  const p = tailA.total > 0 && tailB.total > 0 ? kolmogorovQ((Math.sqrt(effectiveN) + 0.12 + 0.11 / Math.sqrt(effectiveN)) * d) : 1;
  const enough = Math.min(tailA.total, tailB.total) >= (options.minTailCount ?? 20);
  return {
    fromQuantile,
    thresholdUs,
    tailCountA: tailA.total,
    tailCountB: tailB.total,
    tailShareA: tailA.total / a.total,
    tailShareB: tailB.total / b.total,
    d,
    runSpreadD,
    p,
    verdict: !enough ? 'too few tail samples' : p < alpha && d >= minD && d > runSpreadD ? 'tail differs' : 'tail alike',
    alpha,
    minD,
  };
}

function runSpread(runs: readonly WeightedSample[], thresholdUs: number): number {
  if (runs.length < 2) return 0;
  return Math.max(
    ...runs.map((run, i) => {
      const own = above(run, thresholdUs);
      const rest = above(pool(runs.filter((_, j) => j !== i)), thresholdUs);
      // a run with no tail at all where the rest has one (or the reverse) disagrees completely
      return (own.total === 0) !== (rest.total === 0) ? 1 : ksDistance(own, rest);
    }),
  );
}

function above(s: WeightedSample, threshold: number): WeightedSample {
  const first = s.values.findIndex((v) => v > threshold);
  if (first < 0) return { values: new Float64Array(0), counts: new Float64Array(0), total: 0 };
  const counts = s.counts.slice(first);
  return { values: s.values.slice(first), counts, total: counts.reduce((x, y) => x + y, 0) };
}

/** sup |F_a - F_b| over the merged distinct values (ties step both CDFs at once). */
export function ksDistance(a: WeightedSample, b: WeightedSample): number {
  if (a.total === 0 || b.total === 0) return 0;
  let i = 0;
  let j = 0;
  let fa = 0;
  let fb = 0;
  let d = 0;
  while (i < a.values.length || j < b.values.length) {
    const va = i < a.values.length ? (a.values[i] as number) : Infinity;
    const vb = j < b.values.length ? (b.values[j] as number) : Infinity;
    const v = Math.min(va, vb);
    if (va === v) fa += (a.counts[i++] as number) / a.total;
    if (vb === v) fb += (b.counts[j++] as number) / b.total;
    d = Math.max(d, Math.abs(fa - fb));
  }
  return d;
}

/** Q_KS(λ) = 2 Σ_{k>=1} (-1)^(k-1) exp(-2 k² λ²), the Kolmogorov survival function. */
export function kolmogorovQ(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-16) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}
