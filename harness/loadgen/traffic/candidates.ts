/** How many candidates a request carries: fixed, uniform, log-normal with a cap, or a quantile table. */
import type { Rng } from '../../rng.ts';
import type { CandidatesSpec } from '../../scenario/schema.ts';

export type CandidateSampler = (rng: Rng) => number;

export function createCandidateSampler(spec: CandidatesSpec): CandidateSampler {
  switch (spec.distribution) {
    case 'fixed':
      return () => spec.count;
    case 'uniform':
      return (rng) => rng.int(spec.min, spec.max);
    case 'lognormal': {
      const mu = Math.log(spec.median);
      return (rng) => clamp(Math.round(Math.exp(mu + spec.sigma * rng.normal())), spec.min, spec.max);
    }
    case 'quantiles': {
      const table = spec.table;
      return (rng) => {
        const u = rng.uniform();
        // first point with q >= u; interpolate linearly between it and the one before
        let i = 1;
        while (i < table.length - 1 && table[i]!.q < u) i++;
        const a = table[i - 1]!;
        const b = table[i]!;
        const t = b.q > a.q ? (u - a.q) / (b.q - a.q) : 1;
        return Math.max(1, Math.round(a.count + t * (b.count - a.count)));
      };
    }
  }
}

/** The largest count a spec can produce (sizes the sample library's buffers). */
export function maxCandidates(spec: CandidatesSpec): number {
  switch (spec.distribution) {
    case 'fixed':
      return spec.count;
    case 'uniform':
    case 'lognormal':
      return spec.max;
    case 'quantiles':
      return Math.max(...spec.table.map((p) => p.count));
  }
}

function clamp(x: number, min: number, max: number): number {
  return x < min ? min : x > max ? max : x;
}
