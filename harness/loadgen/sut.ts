/**
 * The system under test, as the load generator sees it (MLPerf LoadGen's SUT): issue a query,
 * get a completion. A completion is data, never an exception: a SUT that fails answers
 * `errored`, and the executor counts it.
 */

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

/** per-request times measured by the system under test itself, µs (absent = not measured) */
export interface SutTimingsUs {
  /** waiting for a free model instance (issue -> compute start) */
  queueUs?: number;
  /** compute of this request (both passes, or the whole forward) */
  serviceUs?: number;
  /** split variants: the user pass (absent on a cache hit) and the group pass */
  userPassUs?: number;
  groupPassUs?: number;
}

/** What every completion may carry besides its outcome. */
export interface CompletionFacts extends TransportFacts {
  timingsUs?: SutTimingsUs;
  /** labels this request is split by in the results: one HDR histogram per (tag key, value),
   *  e.g. { cache: 'hit' | 'miss', instance: '1', kernel: 'matmulnbits' } */
  tags?: Readonly<Record<string, string>>;
}

export type Completion =
  /** cacheHit: the user state came from the cross-request cache (true), was computed (false), or there is no cache (null) */
  | ({ status: 'completed'; cacheHit: boolean | null } & CompletionFacts)
  | ({ status: 'errored'; cacheHit: boolean | null; error: string } & CompletionFacts);

/** Counters of a SUT's cross-request user-state cache, as the results report them. */
export interface CacheCounters {
  hits: number;
  misses: number;
  /** removed to make room (LRU) */
  evictions: number;
  /** found but older than the TTL */
  expirations: number;
  /** values larger than the whole byte budget, never stored */
  rejected: number;
  entries: number;
  bytes: number;
  peakBytes: number;
}

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
