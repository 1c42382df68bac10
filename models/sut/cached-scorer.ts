/**
 * Scoring through the model-instance pool, with the cross-request user-state cache; shared by the
 * in-process SUT and the OIP server. ugsep variants with a cache: look the user up; on a miss the
 * chosen instance runs the user pass, keeps the state and runs the group pass; on a hit the group
 * pass runs on the instance that holds the state. Without a cache (baseline, or no user id) the
 * instance runs the whole request, still reusing the user pass within it (the paper's technique).
 *
 * Cache design with several instances (CACHE_DESIGN): one cache on this thread decides hit or
 * miss, with the scenario's limits, LRU order and TTL on this thread's clock, exactly as with one
 * instance; the few-KB state itself stays in the instance that computed it (ORT tensors, TF.js
 * tensors: not copied across threads), and a hit is routed to that instance. So the hit rate is
 * the one the traffic produced, independent of the number of instances; the price is that a hit
 * may wait for its owner while another instance is idle (pinned queue, served first). The lookup
 * happens when an instance can take the request, as in the one-instance path, and a miss enters
 * the cache at once (pointing at its instance), so a second request of the same user queued
 * behind it hits. A state evicted while a request still uses it is released after that request.
 */
import { UserStateCache, type CacheLimits } from '../cache/user-state-cache.ts';
import type { Clock } from '../../harness/loadgen/clock.ts';
import type { SutTimingsUs } from '../../harness/loadgen/sut.ts';
import { userStateBytes } from '../cost.ts';
import type { InstancePool, PoolTask } from '../instances/pool.ts';
import { userStateKey } from '../cache/user-key.ts';
import { nonFiniteProblem } from '../finite.ts';

export const CACHE_DESIGN = 'main-thread index, state kept on the instance that computed it, hits routed there';

/** Where one cached user state lives. */
export interface RemoteUserState {
  /** userStateKey(user id, user features): differing features or id types never share a state */
  key: string;
  slot: number;
  /** the slot's worker generation when computed: a replaced worker holds none of the old states */
  generation: number;
  stateId: number;
  bytes: number;
}

export type ScoreOutcome = {
  /** null when no cache was consulted (no cache, or no user id) */
  cacheHit: boolean | null;
  /** evictions this request caused */
  evictions: number;
  tags: Readonly<Record<string, string>>;
} & ({ ok: true; scores: Float32Array; timingsUs: SutTimingsUs } | { ok: false; error: string });

export interface CachedScorer<K extends number | string> {
  /** the cache, when the runtime has a split form and a cache was asked for */
  readonly cache: UserStateCache<RemoteUserState, string> | undefined;
  score(userId: K | undefined, userFeatures: Float32Array, groupFeatures: Float32Array): Promise<ScoreOutcome>;
}

export interface ScorerCacheOptions {
  limits: CacheLimits;
  clock: Clock;
  /** bytes one user's state takes, when the model is not the built-in family (a user's ONNX split model) */
  stateBytes?: number;
}

export function createCachedScorer<K extends number | string>(pool: InstancePool, cacheOptions?: ScorerCacheOptions): CachedScorer<K> {
  const inUse = new Map<RemoteUserState, number>();
  const evictedInUse = new Set<RemoteUserState>();
  const bySlot = new Map<number, Map<string, RemoteUserState>>();
  const release = (state: RemoteUserState): void => {
    pool.drop(state.slot, state.generation, state.stateId);
    const owned = bySlot.get(state.slot);
    if (owned?.get(state.key) === state) owned.delete(state.key);
  };
  const onRemove = (state: RemoteUserState): void => {
    if (inUse.has(state)) evictedInUse.add(state);
    else release(state);
  };
  const cache = pool.split && cacheOptions ? new UserStateCache<RemoteUserState, string>(cacheOptions.limits, cacheOptions.clock, onRemove) : undefined;
  // A dead instance took its states with it: forget them (not evictions), so later requests miss.
  pool.onLost((slot) => {
    const owned = bySlot.get(slot);
    bySlot.delete(slot);
    for (const [key, state] of owned ?? []) cache?.delete(key, state);
  });
  const retain = (state: RemoteUserState): void => void inUse.set(state, (inUse.get(state) ?? 0) + 1);
  const unretain = (state: RemoteUserState): void => {
    const left = inUse.get(state)! - 1;
    if (left > 0) return void inUse.set(state, left);
    inUse.delete(state);
    if (evictedInUse.delete(state)) release(state);
  };
  const stateBytes = cacheOptions?.stateBytes ?? userStateBytes(pool.config, pool.variant); // what the byte budget counts per user

  return {
    cache,
    async score(userId, userFeatures, groupFeatures) {
      // set inside task.place, a callback control-flow analysis does not follow: declared wide so
      // the checks after pool.run are not narrowed to the initial null
      let cacheHit = null as boolean | null;
      let state: RemoteUserState | undefined;
      const key = cache && userId !== undefined ? userStateKey(userId, userFeatures) : undefined;
      let evictions = 0;
      const task: PoolTask = {
        userFeatures,
        groupFeatures,
        place(free) {
          if (!cache || key === undefined) return { slot: free, order: { mode: 'whole' } };
          const found = cache.get(key);
          if (found) {
            cacheHit = true;
            retain((state = found));
            return { slot: found.slot, order: { mode: 'hit', stateId: found.stateId } };
          }
          cacheHit = false;
          state = { key, slot: free, generation: pool.generation(free), stateId: pool.newStateId(), bytes: stateBytes };
          retain(state); // before set: a state the cache rejects must outlive this request
          const before = cache.stats().evictions;
          cache.set(key, state, state.bytes);
          evictions = cache.stats().evictions - before;
          let owned = bySlot.get(free);
          if (!owned) bySlot.set(free, (owned = new Map<string, RemoteUserState>()));
          owned.set(key, state);
          return { slot: free, order: { mode: 'miss', stateId: state.stateId } };
        },
      };
      const outcome = await pool.run(task);
      if (state) {
        // A user pass that failed left no state behind: later requests of this user must miss.
        if (!outcome.ok && cacheHit === false) cache?.delete(state.key, state);
        unretain(state);
      }
      const tags: Record<string, string> = outcome.ok && outcome.tags ? { ...outcome.tags } : {};
      if (outcome.slot !== null) tags.instance = String(outcome.slot);
      if (cacheHit !== null) tags.cache = cacheHit ? 'hit' : 'miss';
      if (!outcome.ok) return { ok: false, error: outcome.error, cacheHit, evictions, tags };
      // A score that overflowed float32 inside the model is an error, never a success printed as null.
      const nonFinite = nonFiniteProblem('scores', outcome.scores);
      if (nonFinite) return { ok: false, error: `${nonFinite} (the model overflowed float32 on this request)`, cacheHit, evictions, tags };
      return { ok: true, scores: outcome.scores, timingsUs: outcome.timingsUs, cacheHit, evictions, tags };
    },
  };
}
