/**
 * What an executor measures during the measured window: the overall latency histogram, one
 * histogram per SUT-reported timing (queue, service, userPass, groupPass, ...), issue lateness,
 * counts, and for every tag key and value a split of the same figures. Tags are generic: a new
 * split (instance, kernel, candidate bucket) is a new tag on the completion and nothing else.
 * Executors call it; nothing here reads a clock.
 */
import type { Histogram } from 'hdr-histogram-js';
import { createLatencyHistogram, recordUs } from './histogram.ts';
import type { Completion } from './sut.ts';
import { bucketOf, CANDIDATES_TAG, type CandidateBucket } from './candidate-buckets.ts';

export interface RunCounts {
  /** measured arrivals in the plan */
  planned: number;
  /** handed to the system under test */
  issued: number;
  completed: number;
  errored: number;
  /** not issued because the in-flight limit was reached (open loop) */
  dropped: number;
  /** issued later than lateThresholdUs after their schedule (open loop) */
  lateStarts: number;
  /** not issued because the run was aborted (Ctrl-C) */
  notIssued: number;
  /** warm-up requests completed (excluded from everything else) */
  warmupCompleted: number;
}

/** The figures kept for one set of requests: all of them, or those of one tag value. */
export interface SplitRecord {
  /** latency of completed requests */
  latency: Histogram;
  completed: number;
  errored: number;
  /** candidates of completed requests */
  candidates: number;
  /** SUT-reported times by name, µs */
  timings: Map<string, Histogram>;
  /** completed requests of this split that also carried tag `key=value` (e.g. 'cache=hit' per replica) */
  with: Map<string, number>;
}

/** Completed requests and their candidates, split by cache outcome (for cost accounting). */
export interface CompletionMix {
  hit: { requests: number; candidates: number };
  miss: { requests: number; candidates: number };
  /** no cross-request cache involved */
  none: { requests: number; candidates: number };
}

const MAX_DISTINCT_ERRORS = 20;
/** The tag the cache outcome is recorded under, values 'hit' / 'miss' (absent: no cache consulted). */
export const CACHE_TAG = 'cache';
/** The tag a remote SUT's serving endpoint is recorded under. */
export const REPLICA_TAG = 'replica';

export function createSplit(): SplitRecord {
  return { latency: createLatencyHistogram(), completed: 0, errored: 0, candidates: 0, timings: new Map(), with: new Map() };
}

/** Every tag of a completion: its own, plus the cache outcome and the replica it reports. */
export function completionTags(c: Completion): Record<string, string> {
  const tags: Record<string, string> = {};
  if (c.cacheHit !== null) tags[CACHE_TAG] = c.cacheHit ? 'hit' : 'miss';
  if (c.replica !== undefined) tags[REPLICA_TAG] = c.replica;
  return { ...tags, ...c.tags };
}

/** Every SUT-reported time of a completion, by name, µs (server-reported ones keep their own names). */
export function completionTimings(c: Completion): [string, number][] {
  const out: [string, number][] = [];
  const t = c.timingsUs;
  if (t?.queueUs !== undefined) out.push(['queue', t.queueUs]);
  if (t?.serviceUs !== undefined) out.push(['service', t.serviceUs]);
  if (t?.userPassUs !== undefined) out.push(['userPass', t.userPassUs]);
  if (t?.groupPassUs !== undefined) out.push(['groupPass', t.groupPassUs]);
  if (c.serverQueueUs !== undefined) out.push(['serverQueue', c.serverQueueUs]);
  if (c.serverComputeUs !== undefined) out.push(['serverCompute', c.serverComputeUs]);
  return out;
}

/** Timings are kept for completed requests only, so each timing's count is that of its latency. */
function recordInto(split: SplitRecord, latencyUs: number, completion: Completion, candidates: number, timings: [string, number][], others: string[]): void {
  if (completion.status === 'errored') {
    split.errored++;
    return;
  }
  for (const [name, us] of timings) {
    let h = split.timings.get(name);
    if (!h) split.timings.set(name, (h = createLatencyHistogram()));
    recordUs(h, us);
  }
  split.completed++;
  split.candidates += candidates;
  recordUs(split.latency, latencyUs);
  for (const other of others) split.with.set(other, (split.with.get(other) ?? 0) + 1);
}

export class Recorder {
  /** every measured request; `overall.latency` is the run's latency histogram */
  readonly all: SplitRecord = createSplit();
  readonly issueDelay: Histogram = createLatencyHistogram();
  readonly counts: RunCounts = { planned: 0, issued: 0, completed: 0, errored: 0, dropped: 0, lateStarts: 0, notIssued: 0, warmupCompleted: 0 };
  readonly errors = new Map<string, number>();
  /** tag key -> tag value -> split */
  readonly tags = new Map<string, Map<string, SplitRecord>>();

  /** `candidateBuckets`: every completion is also tagged `candidates` = its bucket's label (none: no such tag) */
  constructor(private readonly candidateBuckets: readonly CandidateBucket[] = []) {}

  /** latency of completed measured requests */
  get overall(): Histogram {
    return this.all.latency;
  }

  /** A measured request was handed to the SUT `delayUs` after its schedule (open loop). */
  issued(delayUs: number | undefined, lateThresholdUs: number): void {
    this.counts.issued++;
    if (delayUs !== undefined) {
      recordUs(this.issueDelay, delayUs);
      if (delayUs > lateThresholdUs) this.counts.lateStarts++;
    }
  }

  /** A measured request finished. Errored requests are counted, not put in latency histograms. */
  completed(latencyUs: number, completion: Completion, candidates: number): void {
    const timings = completionTimings(completion);
    const tags = Object.entries(completionTags(completion));
    if (this.candidateBuckets.length > 0) tags.push([CANDIDATES_TAG, bucketOf(this.candidateBuckets, candidates).label]);
    const pairs = tags.map(([k, v]) => `${k}=${v}`);
    recordInto(this.all, latencyUs, completion, candidates, timings, []);
    tags.forEach(([key, value], i) => {
      let values = this.tags.get(key);
      if (!values) this.tags.set(key, (values = new Map<string, SplitRecord>()));
      let split = values.get(value);
      if (!split) values.set(value, (split = createSplit()));
      recordInto(split, latencyUs, completion, candidates, timings, pairs.filter((_p, j) => j !== i));
    });
    if (completion.status === 'errored') {
      this.counts.errored++;
      const key = completion.error.slice(0, 200);
      if (this.errors.has(key) || this.errors.size < MAX_DISTINCT_ERRORS) this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
      return;
    }
    this.counts.completed++;
  }

  /** Completed requests and candidates by cache outcome, from the `cache` tag. */
  mix(): CompletionMix {
    const hit = this.tags.get(CACHE_TAG)?.get('hit');
    const miss = this.tags.get(CACHE_TAG)?.get('miss');
    const part = (s: SplitRecord | undefined): { requests: number; candidates: number } => ({ requests: s?.completed ?? 0, candidates: s?.candidates ?? 0 });
    const h = part(hit);
    const m = part(miss);
    return { hit: h, miss: m, none: { requests: this.all.completed - h.requests - m.requests, candidates: this.all.candidates - h.candidates - m.candidates } };
  }
}
