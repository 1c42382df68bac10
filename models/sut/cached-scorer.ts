/**
 * Scoring with the cross-request user-state cache, shared by the in-process SUT and the OIP
 * server. ugsep variants with a cache: look the user up; on a miss run `userPass` and store the
 * state; then `groupPass`. Without a cache (baseline, or no user id) `score` runs the whole
 * request, and ugsep variants still reuse the user pass within the request (the paper's technique).
 */
import { UserStateCache, type CacheLimits } from '../cache/user-state-cache.ts';
import type { Clock } from '../../harness/loadgen/clock.ts';
import type { ScoringRuntime, UserStateHandle } from '../runtimes/runtime.ts';
import { userStateKey } from '../cache/user-key.ts';

export interface CachedScorer<K extends number | string> {
  /** the cache, when the runtime has a split form and a cache was asked for */
  /** keyed by userStateKey(user id, user features), so differing features never share a state */
  readonly cache: UserStateCache<UserStateHandle, string> | undefined;
  /** scores [N]; cacheHit null when no cache was consulted (no cache, or no user id) */
  score(userId: K | undefined, userFeatures: Float32Array, groupFeatures: Float32Array): Promise<{ scores: Float32Array; cacheHit: boolean | null }>;
}

export function createCachedScorer<K extends number | string>(runtime: ScoringRuntime, cacheOptions?: { limits: CacheLimits; clock: Clock }): CachedScorer<K> {
  // A state evicted while a request still uses it (concurrent requests) is disposed when that
  // request ends, not under its feet.
  const inUse = new Map<UserStateHandle, number>();
  const evictedInUse = new Set<UserStateHandle>();
  const disposeWhenIdle = (state: UserStateHandle): void => {
    if (inUse.has(state)) evictedInUse.add(state);
    else state.dispose?.();
  };
  const cache =
    runtime.userPass && runtime.groupPass && cacheOptions
      ? new UserStateCache<UserStateHandle, string>(cacheOptions.limits, cacheOptions.clock, disposeWhenIdle)
      : undefined;

  return {
    cache,
    async score(userId, userFeatures, groupFeatures) {
      if (!cache || userId === undefined) return { scores: await runtime.score(userFeatures, groupFeatures), cacheHit: null };
      const key = userStateKey(userId, userFeatures);
      let state = cache.get(key);
      const cacheHit = state !== undefined;
      if (state === undefined) {
        state = await runtime.userPass!(userFeatures);
        inUse.set(state, (inUse.get(state) ?? 0) + 1); // before set: a rejected state must outlive this request
        cache.set(key, state, state.bytes);
      } else {
        inUse.set(state, (inUse.get(state) ?? 0) + 1);
      }
      try {
        return { scores: await runtime.groupPass!(state, groupFeatures), cacheHit };
      } finally {
        const left = inUse.get(state)! - 1;
        if (left > 0) inUse.set(state, left);
        else {
          inUse.delete(state);
          if (evictedInUse.delete(state)) state.dispose?.();
        }
      }
    },
  };
}
