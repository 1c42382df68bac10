/**
 * One variant x runtime under the shared plan: run the executor the scenario asks for, with the
 * scenario's traffic settings, and hand back what was recorded.
 */
import { HrClock, type Clock } from './clock.ts';
import type { ExecutorRecord } from './executors/executor.ts';
import { runExecutor } from './executors/run-executor.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { SystemUnderTest } from './sut.ts';
import type { TrafficPlan } from './traffic/plan.ts';
import type { CandidateBucket } from './candidate-buckets.ts';
import { raiseIssuingThread } from './issuer-priority.ts';

export interface MeasureOptions {
  scenario: Scenario;
  plan: TrafficPlan;
  sut: SystemUnderTest;
  clock: Clock;
  signal?: AbortSignal;
  /** buckets of the `candidates` tag (default: drawn from the plan; a shard passes the whole plan's) */
  candidateBuckets?: readonly CandidateBucket[];
  onProgress?: (done: number, planned: number) => void;
}

export async function measure(o: MeasureOptions): Promise<ExecutorRecord> {
  const arrivals = o.scenario.traffic.arrivals;
  // only an open loop on the real clock has a schedule to keep: closed and offline runs issue on
  // completions, and a simulated clock's time does not pass while the thread waits
  const issuer = o.plan.kind === 'open' && o.clock instanceof HrClock ? raiseIssuingThread(o.scenario.traffic.issuerPriority) : undefined;
  try {
    const record = await runExecutor({
      clock: o.clock,
      plan: o.plan,
      sut: o.sut,
      inFlightLimit: o.scenario.traffic.inFlightLimit,
      lateThresholdUs: o.scenario.traffic.lateThresholdUs,
      concurrency: arrivals.process === 'closed' ? arrivals.concurrency : undefined,
      signal: o.signal,
      candidateBuckets: o.candidateBuckets,
      onMeasuredStart: () => o.sut.cache?.resetCounters(),
      onProgress: o.onProgress,
    });
    return issuer && record.issuingThread ? { ...record, issuingThread: { ...record.issuingThread, ...issuer.facts } } : record;
  } finally {
    issuer?.restore();
  }
}
