/**
 * The in-process system under test: a pool of model instances (worker threads, one runtime
 * each) behind one FIFO, with the cross-request user-state cache. This thread only issues,
 * queues and records; compute happens in the instances. Scoring and caching are
 * models/sut/cached-scorer.ts (shared with the OIP server). Every completion carries the times
 * the instance measured (queue, service, user pass, group pass) and the tags `instance` and
 * `cache` (hit/miss, absent without a cache), plus whatever the runtime reports per dispatch.
 */
import type { SampleLibrary } from '../../harness/loadgen/sample-library.ts';
import type { Completion, Query, SystemUnderTest } from '../../harness/loadgen/sut.ts';
import type { InstancePool } from '../instances/pool.ts';
import { createCachedScorer, type ScorerCacheOptions } from './cached-scorer.ts';
import type { RequestTensors } from './samples.ts';

export interface InProcessSutOptions {
  pool: InstancePool;
  samples: SampleLibrary<RequestTensors>;
  /** cross-request cache; only used when the runtime has a split form (userPass/groupPass) */
  cache?: ScorerCacheOptions;
  /** sees every request's scores (e.g. the parity sampler); keep it cheap, it runs in the timed path */
  onScores?: (index: number, scores: Float32Array) => void;
}

export function createInProcessSut(options: InProcessSutOptions): SystemUnderTest {
  const { pool, samples, onScores } = options;
  const scorer = createCachedScorer<number>(pool, options.cache);
  // The cache is consulted when an instance takes the request, which may be after the measured
  // window opened (resetCounters) for a warm-up request still queued. Hits and misses are
  // therefore counted here, per request by the window it was issued in, so they add up to the
  // measured requests exactly (shards and single runs agree).
  let epoch = 0;
  const counted = { hits: 0, misses: 0 };
  const sut: SystemUnderTest = {
    async issue(query: Query): Promise<Completion> {
      const issuedIn = epoch;
      const tensors = samples.get(query.index);
      const outcome = await scorer.score(query.userId, tensors.userFeatures, tensors.groupFeatures);
      if (issuedIn === epoch && outcome.cacheHit !== null) counted[outcome.cacheHit ? 'hits' : 'misses']++;
      if (!outcome.ok) return { status: 'errored', cacheHit: outcome.cacheHit, error: outcome.error, tags: outcome.tags };
      onScores?.(query.index, outcome.scores);
      return { status: 'completed', cacheHit: outcome.cacheHit, timingsUs: outcome.timingsUs, tags: outcome.tags };
    },
  };
  const cache = scorer.cache;
  if (cache) {
    const view = {
      stats: () => ({ ...cache.stats(), ...counted }),
      resetCounters: () => {
        epoch++;
        counted.hits = 0;
        counted.misses = 0;
        cache.resetCounters();
      },
      clear: () => cache.clear(),
    };
    (sut as { cache?: SystemUnderTest['cache'] }).cache = view;
  }
  return sut;
}

/** Free every cached state (after a run). */
export function clearSutCache(sut: SystemUnderTest): void {
  (sut.cache as { clear?(): void } | undefined)?.clear?.();
}
