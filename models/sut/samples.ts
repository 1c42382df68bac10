/**
 * The sample library for model requests: every query's tensors built before timing.
 * - user features: one [Fu] array per distinct user of the plan (a returning user is the same
 *   user: same features, so cached states and parity checks are meaningful);
 * - group features: a small pool of [maxN, Fg] buffers; query i uses a zero-copy view of the
 *   first N rows of buffer i % pool. Feed scenarios with 1000 candidates stay at a few MB.
 */
import type { SampleLibrary } from '../../harness/loadgen/sample-library.ts';
import type { ModelConfig } from '../config.ts';
import { checkSampleLibraryBytes, groupFeatures, userFeatures } from '../requests.ts';

export interface RequestTensors {
  userFeatures: Float32Array; // [Fu]
  groupFeatures: Float32Array; // [N, Fg]
}

export interface PlanView {
  count: number;
  userId: ArrayLike<number>;
  candidates: ArrayLike<number>;
}

/** Distinct group-feature buffers cycled through by queries. */
export const GROUP_POOL_SIZE = 8;

export function prepareRequestSamples(config: ModelConfig, seed: number, plan: PlanView): SampleLibrary<RequestTensors> {
  let maxN = 1;
  const ids = new Set<number>();
  for (let i = 0; i < plan.count; i++) {
    maxN = Math.max(maxN, plan.candidates[i]!);
    ids.add(plan.userId[i]!);
  }
  // sized before anything is allocated: a plan too large for memory is bad input, not a crash
  checkSampleLibraryBytes(config, ids.size, maxN, GROUP_POOL_SIZE);
  const users = new Map<number, Float32Array>();
  for (const id of ids) users.set(id, userFeatures(config, seed, id));
  const pool = Array.from({ length: GROUP_POOL_SIZE }, (_, p) => groupFeatures(config, seed, `pool-${p}`, maxN));
  const bytes = users.size * config.Fu * 4 + GROUP_POOL_SIZE * maxN * config.Fg * 4;
  return {
    bytes,
    get(index: number): RequestTensors {
      const n = plan.candidates[index]!;
      return {
        userFeatures: users.get(plan.userId[index]!)!,
        groupFeatures: pool[index % GROUP_POOL_SIZE]!.subarray(0, n * config.Fg),
      };
    },
  };
}
