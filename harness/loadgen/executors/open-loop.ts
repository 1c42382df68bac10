/**
 * Open loop (`poisson`, `constant`): requests are issued on the plan's schedule whatever the
 * system under test is doing, and latency counts from each request's *scheduled* start, so time
 * spent queued behind a slow request (or behind a late generator) is in the numbers: no
 * coordinated omission. Lateness of issue is recorded and late starts are counted; a request
 * due while `inFlightLimit` are outstanding is dropped and counted, never silently skipped.
 */
import type { ExecutorOptions, ExecutorRecord } from './executor.ts';
import { Recorder } from '../recorder.ts';
import { sampleThreadSched, schedBetween, type SchedSample } from '../thread-sched.ts';
import { GapCollector } from '../gap-gc.ts';

/** Issues in a row without a macrotask turn before yielding, so completions get processed when behind. */
const MAX_ISSUES_WITHOUT_YIELD = 64;
/** Lead before the first arrival, so setup work just before the call does not make it late. */
const START_LEAD_US = 2000;

export async function runOpenLoop(o: ExecutorOptions): Promise<ExecutorRecord> {
  const { clock, plan, sut } = o;
  const recorder = new Recorder(o.candidateBuckets);
  const planned = plan.count - plan.warmupCount;
  recorder.counts.planned = planned;
  const startUs = plan.startUs;
  const t0 = clock.nowUs() + START_LEAD_US;
  const measureStartUs = t0 + plan.warmupUs;
  let inFlight = 0;
  let finished = 0;
  let lastCompletionUs = measureStartUs;
  let aborted = false;
  let issuedInARow = 0;
  let drain: (() => void) | undefined;
  let schedAtStart: SchedSample | undefined;
  const gapGc = new GapCollector();
  let gapGcsAtStart = 0;
  const measuredStart = (): void => {
    schedAtStart = sampleThreadSched();
    gapGcsAtStart = gapGc.collections;
    o.onMeasuredStart?.();
  };
  if (plan.warmupCount === 0) measuredStart();

  for (let i = 0; i < plan.count; i++) {
    if (o.signal?.aborted) {
      aborted = true;
      recorder.counts.notIssued = plan.count - Math.max(i, plan.warmupCount);
      break;
    }
    const scheduledUs = t0 + startUs[i]!;
    // before the wait, not after it: reading /proc and resetting counters took ~1 ms, which made
    // the first measured request a late start
    if (i === plan.warmupCount && i > 0) measuredStart();
    const gapUs = scheduledUs - clock.nowUs();
    if (gapUs > 0) {
      gapGc.beforeSleep(gapUs);
      await clock.sleepUntilUs(scheduledUs);
      issuedInARow = 0;
    } else if (++issuedInARow >= MAX_ISSUES_WITHOUT_YIELD) {
      await clock.yieldNow();
      issuedInARow = 0;
    }
    const measured = i >= plan.warmupCount;
    if (inFlight >= o.inFlightLimit) {
      if (measured) recorder.counts.dropped++;
      continue;
    }
    const issueUs = clock.nowUs();
    if (measured) recorder.issued(issueUs - scheduledUs, o.lateThresholdUs);
    const candidates = plan.candidates[i]!;
    inFlight++;
    void sut.issue({ index: i, userId: plan.userId[i]!, candidates }).then((completion) => {
      const endUs = clock.nowUs();
      inFlight--;
      if (measured) {
        recorder.completed(endUs - scheduledUs, completion, candidates);
        if (endUs > lastCompletionUs) lastCompletionUs = endUs;
        finished++;
        o.onProgress?.(finished, planned);
      } else {
        recorder.counts.warmupCompleted++;
      }
      if (inFlight === 0 && drain) drain();
    });
  }
  if (inFlight > 0) await new Promise<void>((resolve) => (drain = resolve));
  const endUs = aborted ? Math.max(clock.nowUs(), measureStartUs) : Math.max(lastCompletionUs, measureStartUs + plan.durationUs);
  const schedAtEnd = schedAtStart ? sampleThreadSched() : undefined;
  const issuingThread = schedAtStart && schedAtEnd ? { ...schedBetween(schedAtStart, schedAtEnd), ...gapGcFacts(gapGc, gapGcsAtStart) } : undefined;
  return { kind: 'open', recorder, measuredUs: endUs - measureStartUs, aborted, planExhausted: false, ...(issuingThread ? { issuingThread } : {}) };
}

function gapGcFacts(gapGc: GapCollector, atStart: number): { gapCollections: number } | { gapCollectionsUnavailable: string } {
  return gapGc.unavailableReason === undefined ? { gapCollections: gapGc.collections - atStart } : { gapCollectionsUnavailable: gapGc.unavailableReason };
}
