/**
 * What every model runtime (reference, onnxruntime-node, TF.js, remote OIP) offers the harness's
 * in-process system under test. Scores for one request; for ugsep variants also the split form,
 * so a cross-request cache can keep a user's state and skip the user pass on a hit.
 */
import type { RuntimeFacts } from '../../harness/results/contract.ts';
import type { Variant } from '../variants.ts';
import type { ModelConfig } from '../config.ts';

/**
 * Facts about what actually ran (runtime, provider, threads, weight and activation precision);
 * every result carries them, so the type is the results contract's own.
 */
export type RuntimeInfo = RuntimeFacts;

/** An opaque handle to one user's state (kept by the runtime: JS arrays, ORT tensors, ...). */
export interface UserStateHandle {
  /** bytes this state occupies, for the cache's byte budget */
  readonly bytes: number;
  /** release native memory, if any */
  dispose?(): void;
}

export interface ScoringRuntime {
  readonly info: RuntimeInfo;
  readonly variant: Variant;
  readonly config: ModelConfig;
  /** Whole request: scores [N] for one user [Fu] and N candidates [N, Fg]. */
  score(userFeatures: Float32Array, groupFeatures: Float32Array): Promise<Float32Array>;
  /** ugsep variants: the user pass alone (undefined for baseline). */
  userPass?(userFeatures: Float32Array): Promise<UserStateHandle>;
  /** ugsep variants: the group pass with a user state from userPass. */
  groupPass?(state: UserStateHandle, groupFeatures: Float32Array): Promise<Float32Array>;
  /**
   * Dynamic batching, the batched form (runtimes built with `batched`): R users [R, Fu] and N
   * candidate rows [N, Fg] of several requests, row n belonging to user rowUser[n] -> scores [N].
   */
  scoreBatch?(users: Float32Array, groupFeatures: Float32Array, rowUser: Int32Array): Promise<Float32Array>;
  /** batched form, ugsep variants: the user pass on R users [R, Fu] at once -> R states */
  userPassBatch?(users: Float32Array): Promise<UserStateHandle[]>;
  /** batched form, ugsep variants: the group pass on N rows [N, Fg], row n on states[rowUser[n]] */
  groupPassBatch?(states: readonly UserStateHandle[], groupFeatures: Float32Array, rowUser: Int32Array): Promise<Float32Array>;
  /** tags describing what serves a request of `candidates` rows (e.g. the int8 kernel chosen per
   *  graph: { userKernel: 'matmulnbits', groupKernel: 'dequant-fp32' }); the SUT copies them into
   *  the completion's tags so results count requests per kernel */
  dispatchTags?(candidates: number): Readonly<Record<string, string>>;
  dispose(): Promise<void>;
}

/**
 * `compute` run now, its result or its throw delivered as a promise, as an async function does:
 * how a synchronous model meets the async ScoringRuntime methods (a bad input rejects, it never
 * throws at the caller).
 */
export function promised<T>(compute: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(compute());
  });
}
