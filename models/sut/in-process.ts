/**
 * The in-process system under test: a ScoringRuntime behind a FIFO queue of `parallelRequests`
 * slots (one replica of a scoring service), with the cross-request user-state cache.
 * Scoring and caching are models/sut/cached-scorer.ts (shared with the OIP server); hit/miss is
 * reported per request so hits and misses get separate histograms.
 */
import type { UserStateCache, CacheLimits } from '../cache/user-state-cache.ts';
import type { Clock } from '../../harness/loadgen/clock.ts';
import type { SampleLibrary } from '../../harness/loadgen/sample-library.ts';
import type { Completion, Query, SystemUnderTest } from '../../harness/loadgen/sut.ts';
import type { ScoringRuntime } from '../runtimes/runtime.ts';
import { createCachedScorer } from './cached-scorer.ts';
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
  const scorer = createCachedScorer<number>(runtime, options.cache);
  const cache = scorer.cache;
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

  function run(query: Query): Promise<{ scores: Float32Array; cacheHit: boolean | null }> {
    const tensors = samples.get(query.index);
    return scorer.score(query.userId, tensors.userFeatures, tensors.groupFeatures);
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
