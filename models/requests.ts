/**
 * Seeded synthetic requests: one user's features [Fu] and N candidates' features [N, Fg], each
 * value N(0, 1). The same (seed, user id) always gives the same user features, so a returning
 * user in a traffic plan really is the same user.
 */
import { Rng } from '../harness/rng.ts';
import { InputError } from '../harness/errors.ts';
import type { ModelConfig } from './config.ts';

export interface ScoringRequest {
  userFeatures: Float32Array; // [Fu]
  groupFeatures: Float32Array; // [N, Fg]
  candidates: number;
}

export function userFeatures(config: ModelConfig, seed: number, userId: number | string): Float32Array {
  return new Rng(`${seed}:user:${userId}`).fillNormal(new Float32Array(config.Fu), 1);
}

export function groupFeatures(config: ModelConfig, seed: number, requestId: number | string, candidates: number): Float32Array {
  return new Rng(`${seed}:group:${requestId}`).fillNormal(new Float32Array(candidates * config.Fg), 1);
}

export function syntheticRequest(config: ModelConfig, seed: number, userId: number | string, requestId: number | string, candidates: number): ScoringRequest {
  return {
    userFeatures: userFeatures(config, seed, userId),
    groupFeatures: groupFeatures(config, seed, requestId, candidates),
    candidates,
  };
}

/** N for a flat [N, Fg] candidate array; an empty or ragged array is bad input naming the part. */
export function candidateCountOf(group: Float32Array, Fg: number): number {
  if (group.length === 0 || group.length % Fg !== 0) {
    throw new InputError('request', [`group_features: expected N >= 1 rows of ${Fg} values, got ${group.length} values`]);
  }
  return group.length / Fg;
}
