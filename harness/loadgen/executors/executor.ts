/** What every executor takes and returns. */
import type { Clock } from '../clock.ts';
import type { SystemUnderTest } from '../sut.ts';
import type { TrafficPlan } from '../traffic/plan.ts';
import type { Recorder } from '../recorder.ts';
import type { CandidateBucket } from '../candidate-buckets.ts';
import type { IssuingThreadFacts } from '../thread-sched.ts';

/** open = issued on a schedule; closed = next request on completion; offline = one batch */
export type ExecutorKind = 'open' | 'closed' | 'offline';

export interface ExecutorOptions {
  clock: Clock;
  plan: TrafficPlan;
  sut: SystemUnderTest;
  /** open loop: requests in flight at which a due request is dropped */
  inFlightLimit: number;
  /** open loop: issue lateness above this counts as a late start */
  lateThresholdUs: number;
  /** closed loop: concurrent clients */
  concurrency?: number;
  /** Ctrl-C: stop issuing, let in-flight requests finish, keep what was measured */
  signal?: AbortSignal;
  /** buckets the `candidates` tag uses; runExecutor draws them from the plan when absent
   *  (a shard gets the whole plan's, so the shards' tags add up) */
  candidateBuckets?: readonly CandidateBucket[];
  /** called as the measured window starts (after warm-up): reset SUT counters here */
  onMeasuredStart?: () => void;
  /** measured requests finished (completed or errored) so far, of `planned` */
  onProgress?: (done: number, planned: number) => void;
}

export interface ExecutorRecord {
  kind: ExecutorKind;
  recorder: Recorder;
  /** measured window in µs: from its start to the last measured completion (at least the planned duration unless aborted) */
  measuredUs: number;
  aborted: boolean;
  /** closed loop only: the plan ran out before the duration ended */
  planExhausted: boolean;
  /** open loop, Linux: the issuing thread's scheduling over the measured window */
  issuingThread?: IssuingThreadFacts;
}
