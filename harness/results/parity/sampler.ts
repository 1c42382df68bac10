/**
 * Which measured requests have their scores kept for parity checking, and the kept scores.
 * The choice is a pure function of (seed, request index), so every variant samples the same
 * requests of the shared plan and their scores can be paired after the run. Keeping a copy of
 * a few score vectors is the only work on the timed path; comparisons run after the run.
 */
import { Rng } from '../../rng.ts';

export class ParitySampler {
  private readonly kept = new Map<number, Float32Array>();
  private readonly chosen: Set<number>;
  readonly fraction: number;

  /**
   * @param fraction share of measured requests to keep, in [0, 1]
   * @param fromIndex first measured plan index (warm-up requests are never sampled)
   * @param toIndex one past the last plan index
   * @param seed parity seed; same seed, same chosen indices for every variant
   * @param maxRequests cap on kept requests, so the untimed re-check after the run stays bounded
   */
  constructor(options: { fraction: number; fromIndex: number; toIndex: number; seed: number; maxRequests?: number }) {
    const { fraction, fromIndex, toIndex, seed } = options;
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`parity fraction: expected a number in [0, 1], got ${fraction}`);
    this.fraction = fraction;
    const chosen = [...chooseIndices(fraction, Math.max(0, toIndex - fromIndex), seed)].slice(0, options.maxRequests ?? Infinity);
    this.chosen = new Set(chosen.map((i) => i + fromIndex));
  }

  /** True when the request at this plan index should have its scores kept. */
  wants(requestIndex: number): boolean {
    return this.chosen.has(requestIndex);
  }

  /** Keep a copy of the scores (the runtime may reuse its output buffer). */
  record(requestIndex: number, scores: ArrayLike<number>): void {
    if (this.chosen.has(requestIndex)) this.kept.set(requestIndex, Float32Array.from(scores));
  }

  /** Kept scores by plan index, in index order. */
  samples(): [number, Float32Array][] {
    return [...this.kept.entries()].sort((x, y) => x[0] - y[0]);
  }
}

/** round(fraction * n) distinct indices in [0, n), chosen by a seeded partial shuffle. */
export function chooseIndices(fraction: number, n: number, seed: number): Set<number> {
  const want = Math.round(fraction * n);
  const rng = new Rng(seed).fork('parity');
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < want; i++) {
    const j = rng.int(i, n - 1);
    [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
  }
  return new Set(pool.slice(0, want));
}
