/**
 * The system under test, as the load generator sees it (MLPerf LoadGen's SUT): issue a query,
 * get a completion. A completion is data, never an exception: a SUT that fails answers
 * `errored`, and the executor counts it.
 */
import type { CacheCounters } from '../../models/cache/user-state-cache.ts';

/** One request of the plan. The SUT finds its prepared tensors by `index` in its sample library. */
export interface Query {
  /** index into the traffic plan */
  index: number;
  userId: number;
  candidates: number;
}

/** What a remote SUT learns besides the outcome: which replica answered, and its own timing. */
export interface TransportFacts {
  /** the endpoint that served the request (several replicas) */
  replica?: string;
  /** server-reported time waiting for a compute slot, µs */
  serverQueueUs?: number;
  /** server-reported compute time, µs */
  serverComputeUs?: number;
}

export type Completion =
  /** cacheHit: the user state came from the cross-request cache (true), was computed (false), or there is no cache (null) */
  | ({ status: 'completed'; cacheHit: boolean | null } & TransportFacts)
  | ({ status: 'errored'; cacheHit: boolean | null; error: string } & TransportFacts);

export interface SystemUnderTest {
  /** Start one request; resolves when it is done. Must not reject: failures are `errored` completions. */
  issue(query: Query): Promise<Completion>;
  /** The cross-request user-state cache, when this SUT uses one. */
  readonly cache?: {
    stats(): CacheCounters;
    resetCounters(): void;
  };
}

export const COMPLETED_NO_CACHE: Completion = Object.freeze({ status: 'completed', cacheHit: null });
