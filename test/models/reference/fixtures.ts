/** Shared test fixtures: seeded weights and requests for the reference model. */
import type { ModelConfig } from '../../../models/config.ts';
import { generateWeights } from '../../../models/weights/generate.ts';
import { syntheticRequest } from '../../../models/requests.ts';

/** Bigger than tiny (d = 4, several layers) but quick in plain TypeScript. */
export const MID: ModelConfig = { T: 8, Tu: 4, D: 32, L: 3, k: 2, Fu: 16, Fg: 12 };
/** An uneven user:group split (Tu != Tg, Fu != Fg) to catch index mix-ups. */
export const UNEVEN: ModelConfig = { T: 6, Tu: 2, D: 24, L: 2, k: 3, Fu: 10, Fg: 8 };

export function fixture(config: ModelConfig, candidates: number, seed = 3) {
  const weights = generateWeights(config, { seed });
  const request = syntheticRequest(config, seed + 100, 'user-1', 'request-1', candidates);
  return { weights, request };
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Indices of the k largest values, in order. */
export function topK(values: Float32Array, k: number): number[] {
  return Array.from(values.keys()).sort((a, b) => values[b]! - values[a]! || a - b).slice(0, k);
}
