/**
 * The in-process system under test: a ScoringRuntime behind a FIFO queue of `parallelRequests`
 * slots (one replica of a scoring service), with the cross-request user-state cache.
 * - baseline (and ugsep without a cache): `score` on the whole request; ugsep variants reuse the
 *   user pass within the request inside the runtime (the paper's technique).
 * - ugsep with a cache: look the user up; on a miss run `userPass` and store the state; then
 *   `groupPass`. Hit/miss is reported per request so hits and misses get separate histograms.
 */
import { UserStateCache, type CacheLimits } from '../../harness/cache.ts';
import type { Clock } from '../../harness/clock.ts';
import type { SampleLibrary } from '../../harness/sut/sample-library.ts';
import type { Completion, Query, SystemUnderTest } from '../../harness/sut/sut.ts';
import type { ScoringRuntime, UserStateHandle } from '../runtimes/runtime.ts';
import type { RequestTensors } from './samples.ts';

export interface InProcessSutOptions {
  runtime: ScoringRuntime;
  samples: SampleLibrary<RequestTensors>;
  /** cross-request cache limits; only used when the runtime has a split form (userPass/groupPass) */
  cache?: { limits: CacheLimits; clock: Clock };
  /** requests worked on at once; default 1 */
  parallelRequests?: number;
  /** sees every request's scores (e.g. the parity sampler); keep it cheap, it runs in the timed path */
  onScores?: (index: number, scores: Float32Array) => void;
}

export function createInProcessSut(options: InProcessSutOptions): SystemUnderTest {
  const { runtime, samples, onScores } = options;
  // A state evicted while a request still uses it (parallelRequests > 1) is disposed when that
  // request ends, not under its feet.
  const inUse = new Map<UserStateHandle, number>();
  const evictedInUse = new Set<UserStateHandle>();
  const disposeWhenIdle = (state: UserStateHandle): void => {
    if (inUse.has(state)) evictedInUse.add(state);
    else state.dispose?.();
  };
  const cache =
    runtime.userPass && runtime.groupPass && options.cache
      ? new UserStateCache<UserStateHandle>(options.cache.limits, options.cache.clock, disposeWhenIdle)
      : undefined;
  const parallel = options.parallelRequests ?? 1;
  let busy = 0;
  const waiting: (() => void)[] = [];
  const acquire = (): Promise<void> | undefined => {
    if (busy < parallel) {
      busy++;
      return undefined;
    }
    return new Promise((grant) => waiting.push(grant));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else busy--;
  };

  async function run(query: Query): Promise<{ scores: Float32Array; cacheHit: boolean | null }> {
    const tensors = samples.get(query.index);
    if (!cache) return { scores: await runtime.score(tensors.userFeatures, tensors.groupFeatures), cacheHit: null };
    let state = cache.get(query.userId);
    const cacheHit = state !== undefined;
    if (state === undefined) {
      state = await runtime.userPass!(tensors.userFeatures);
      inUse.set(state, (inUse.get(state) ?? 0) + 1); // before set: a rejected state must outlive this request
      cache.set(query.userId, state, state.bytes);
    } else {
      inUse.set(state, (inUse.get(state) ?? 0) + 1);
    }
    try {
      return { scores: await runtime.groupPass!(state, tensors.groupFeatures), cacheHit };
    } finally {
      const left = inUse.get(state)! - 1;
      if (left > 0) inUse.set(state, left);
      else {
        inUse.delete(state);
        if (evictedInUse.delete(state)) state.dispose?.();
      }
    }
  }

  const sut: SystemUnderTest = {
    async issue(query: Query): Promise<Completion> {
      const wait = acquire();
      if (wait) await wait;
      try {
        const { scores, cacheHit } = await run(query);
        onScores?.(query.index, scores);
        return { status: 'completed', cacheHit };
      } catch (error) {
        return { status: 'errored', cacheHit: null, error: error instanceof Error ? error.message : String(error) };
      } finally {
        release();
      }
    },
  };
  if (cache) (sut as { cache?: SystemUnderTest['cache'] }).cache = cache;
  return sut;
}

/** Free every cached state (after a run). */
export function clearSutCache(sut: SystemUnderTest): void {
  (sut.cache as UserStateCache<unknown> | undefined)?.clear();
}
