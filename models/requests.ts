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

/** Memory the sample library may take: every request's tensors are built before timing. */
export const SAMPLE_LIBRARY_BUDGET_BYTES = 2 * 1024 ** 3;

/**
 * The sample library holds one [Fu] float32 row per distinct user of the plan and `poolSize`
 * [maxCandidates, Fg] buffers. The scenario bounds cannot see Fu and Fg; this check can, and
 * names the scenario field to change with the largest value this model allows.
 */
export function checkSampleLibraryBytes(config: ModelConfig, distinctUsers: number, maxCandidates: number, poolSize: number): void {
  const userBytes = distinctUsers * config.Fu * 4;
  const groupBytes = poolSize * maxCandidates * config.Fg * 4;
  const half = SAMPLE_LIBRARY_BUDGET_BYTES / 2; // users and candidate buffers get half each
  if (userBytes <= half && groupBytes <= half) return;
  const budget = `the sample library's ${SAMPLE_LIBRARY_BUDGET_BYTES} bytes`;
  const problems: string[] = [];
  if (groupBytes > half) {
    const most = Math.floor(half / (poolSize * config.Fg * 4));
    problems.push(`traffic.candidates: expected at most ${most} candidates per request with Fg = ${config.Fg} (${poolSize} buffers of [N, Fg] float32 within half of ${budget}), got ${maxCandidates}`);
  }
  if (userBytes > half) {
    const most = Math.floor(half / (config.Fu * 4));
    problems.push(`traffic.users.size: expected at most ${most} distinct users in the plan with Fu = ${config.Fu} (one [Fu] float32 row each, within half of ${budget}), got ${distinctUsers}`);
  }
  throw new InputError('scenario', problems);
}
