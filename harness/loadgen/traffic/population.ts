/**
 * Who sends a request: user ids drawn from a population of `size` users, uniformly or with
 * Zipf popularity (rank r has probability proportional to r^-s, the usual shape of user
 * activity). User ids are ranks, 1-based: user 1 is the most active.
 */
import { Rng } from '../../rng.ts';
import type { UsersSpec } from '../../scenario/schema.ts';

export interface UserSampler {
  /** a user id in [1, size] */
  next(rng: Rng): number;
  /** probability of each user, index = id - 1 (for analytic hit-rate models) */
  probabilities(): Float64Array;
}

export function createUserSampler(spec: UsersSpec): UserSampler {
  if (spec.distribution === 'uniform') {
    return {
      next: (rng) => 1 + Math.floor(rng.uniform() * spec.size),
      probabilities: () => new Float64Array(spec.size).fill(1 / spec.size),
    };
  }
  return zipfSampler(spec.size, spec.zipfExponent);
}

/** Inverse-CDF sampling over a precomputed cumulative table (binary search, O(log n) per draw). */
export function zipfSampler(size: number, exponent: number): UserSampler {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let r = 1; r <= size; r++) {
    total += r ** -exponent;
    cumulative[r - 1] = total;
  }
  for (let i = 0; i < size; i++) cumulative[i]! /= total;
  cumulative[size - 1] = 1;
  return {
    next(rng) {
      const u = rng.uniform();
      let lo = 0;
      let hi = size - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      return lo + 1;
    },
    probabilities() {
      const p = new Float64Array(size);
      let prev = 0;
      for (let i = 0; i < size; i++) {
        p[i] = cumulative[i]! - prev;
        prev = cumulative[i]!;
      }
      return p;
    },
  };
}
