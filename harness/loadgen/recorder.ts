/**
 * What an executor measures during the measured window: latency histograms (overall, cache hits,
 * cache misses), issue lateness, and counts. Executors call it; nothing here reads a clock.
 */
import type { Histogram } from 'hdr-histogram-js';
import { createLatencyHistogram, recordUs } from './histogram.ts';
import type { Completion, SutTimingsUs } from './sut.ts';

/** The times a SUT measures itself (shared contract), by their name in the results. */
export const SUT_TIMINGS = ['queue', 'service', 'userPass', 'groupPass'] as const;
export type SutTimingName = (typeof SUT_TIMINGS)[number];
const TIMING_FIELD: Record<SutTimingName, keyof SutTimingsUs> = { queue: 'queueUs', service: 'serviceUs', userPass: 'userPassUs', groupPass: 'groupPassUs' };

/** Completed requests and their candidates, split by cache outcome (for cost accounting). */
export interface CompletionMix {
  hit: { requests: number; candidates: number };
  miss: { requests: number; candidates: number };
  /** no cross-request cache involved */
  none: { requests: number; candidates: number };
}

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

const MAX_DISTINCT_ERRORS = 20;

export class Recorder {
  readonly overall: Histogram = createLatencyHistogram();
  readonly cacheHit: Histogram = createLatencyHistogram();
  readonly cacheMiss: Histogram = createLatencyHistogram();
  readonly issueDelay: Histogram = createLatencyHistogram();
  readonly counts: RunCounts = { planned: 0, issued: 0, completed: 0, errored: 0, dropped: 0, lateStarts: 0, notIssued: 0, warmupCompleted: 0 };
  readonly mix: CompletionMix = { hit: { requests: 0, candidates: 0 }, miss: { requests: 0, candidates: 0 }, none: { requests: 0, candidates: 0 } };
  readonly errors = new Map<string, number>();
  /** server-reported queue and compute time (remote SUTs that report it) */
  readonly serverQueue: Histogram = createLatencyHistogram();
  readonly serverCompute: Histogram = createLatencyHistogram();
  /** SUT-measured times of completed requests (in-process instances), µs; empty = never reported */
  readonly sutTimings = new Map<SutTimingName, Histogram>();
  /** per serving replica (remote SUTs with several endpoints) */
  readonly replicas = new Map<string, ReplicaRecord>();

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
    if (completion.replica !== undefined) this.recordReplica(completion.replica, latencyUs, completion);
    if (completion.serverQueueUs !== undefined) recordUs(this.serverQueue, completion.serverQueueUs);
    if (completion.serverComputeUs !== undefined) recordUs(this.serverCompute, completion.serverComputeUs);
    if (completion.status === 'errored') {
      this.counts.errored++;
      const key = completion.error.slice(0, 200);
      if (this.errors.has(key) || this.errors.size < MAX_DISTINCT_ERRORS) this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
      return;
    }
    this.counts.completed++;
    recordUs(this.overall, latencyUs);
    if (completion.timingsUs) this.recordTimings(completion.timingsUs);
    const bucket = completion.cacheHit === true ? this.mix.hit : completion.cacheHit === false ? this.mix.miss : this.mix.none;
    bucket.requests++;
    bucket.candidates += candidates;
    if (completion.cacheHit === true) recordUs(this.cacheHit, latencyUs);
    else if (completion.cacheHit === false) recordUs(this.cacheMiss, latencyUs);
  }

  private recordTimings(timings: SutTimingsUs): void {
    for (const name of SUT_TIMINGS) {
      const us = timings[TIMING_FIELD[name]];
      if (us === undefined) continue;
      let histogram = this.sutTimings.get(name);
      if (!histogram) this.sutTimings.set(name, (histogram = createLatencyHistogram()));
      recordUs(histogram, us);
    }
  }

  private recordReplica(replica: string, latencyUs: number, completion: Completion): void {
    let record = this.replicas.get(replica);
    if (!record) this.replicas.set(replica, (record = { latency: createLatencyHistogram(), completed: 0, errored: 0, hits: 0, misses: 0 }));
    if (completion.status === 'errored') {
      record.errored++;
      return;
    }
    record.completed++;
    recordUs(record.latency, latencyUs);
    if (completion.cacheHit === true) record.hits++;
    if (completion.cacheHit === false) record.misses++;
  }
}

export interface ReplicaRecord {
  latency: Histogram;
  completed: number;
  errored: number;
  hits: number;
  misses: number;
}
