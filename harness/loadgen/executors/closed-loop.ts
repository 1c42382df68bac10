/**
 * Closed loop (`closed`): `concurrency` clients, each issuing its next request when the previous
 * one completes, for the run's duration. It measures throughput at a concurrency; latency counts
 * from issue, so it cannot show queueing a real arrival process would cause (results label the
 * executor `closed` for that reason). Warm-up cycles the plan's warm-up queries.
 */
import type { ExecutorOptions, ExecutorRecord } from './executor.ts';
import { Recorder } from '../recorder.ts';

/**
 * A system under test that computes on this thread resolves every request as a microtask, so
 * the clients would never let the event loop turn: no signal handler (Ctrl-C, SIGTERM), timer
 * or progress line would run until the end. One event-loop turn per this many µs fixes that.
 */
const YIELD_EVERY_US = 10_000;

export async function runClosedLoop(o: ExecutorOptions): Promise<ExecutorRecord> {
  const { clock, plan, sut } = o;
  const recorder = new Recorder(o.candidateBuckets);
  const t0 = clock.nowUs();
  const measureStartUs = t0 + (plan.warmupCount > 0 ? plan.warmupUs : 0);
  const endUs = measureStartUs + plan.durationUs;
  let nextWarmup = 0;
  let nextMeasured = plan.warmupCount;
  let measuredStarted = false;
  let planExhausted = false;
  let aborted = false;
  let finished = 0;
  let lastCompletionUs = measureStartUs;
  const estimatePlanned = (): number => Math.max(finished, nextMeasured - plan.warmupCount);
  let lastYieldUs = t0;

  const client = async (): Promise<void> => {
    for (;;) {
      if (o.signal?.aborted) {
        aborted = true;
        return;
      }
      let now = clock.nowUs();
      if (now - lastYieldUs >= YIELD_EVERY_US) {
        lastYieldUs = now;
        await clock.yieldNow();
        if (o.signal?.aborted) {
          aborted = true;
          return;
        }
        now = clock.nowUs();
      }
      if (now >= endUs) return;
      let index: number;
      const warmup = now < measureStartUs;
      if (warmup) {
        index = nextWarmup++ % plan.warmupCount;
      } else {
        if (!measuredStarted) {
          measuredStarted = true;
          o.onMeasuredStart?.();
        }
        if (nextMeasured >= plan.count) {
          planExhausted = true;
          return;
        }
        index = nextMeasured++;
      }
      const candidates = plan.candidates[index]!;
      if (!warmup) recorder.issued(undefined, Infinity);
      const issueUs = clock.nowUs();
      const completion = await sut.issue({ index, userId: plan.userId[index]!, candidates });
      const doneUs = clock.nowUs();
      if (warmup) {
        recorder.counts.warmupCompleted++;
      } else {
        recorder.completed(doneUs - issueUs, completion, candidates);
        if (doneUs > lastCompletionUs) lastCompletionUs = doneUs;
        finished++;
        o.onProgress?.(finished, estimatePlanned());
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 1 }, client));
  recorder.counts.planned = nextMeasured - plan.warmupCount;
  return { kind: 'closed', recorder, measuredUs: Math.max(0, lastCompletionUs - measureStartUs), aborted, planExhausted };
}
