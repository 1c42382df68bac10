/**
 * Offline (`offline`): after warm-up, every measured query is issued at once as one batch and
 * the system under test works through them (its own parallelism decides how). What counts is
 * throughput; latency counts from the batch start, as in MLPerf's offline scenario.
 */
import type { ExecutorOptions, ExecutorRecord } from './executor.ts';
import type { Completion } from '../sut.ts';
import { Recorder } from '../recorder.ts';

/** Issue this many, then yield: lets a SUT start work while the batch is still being handed over. */
const ISSUE_CHUNK = 256;

export async function runOffline(o: ExecutorOptions): Promise<ExecutorRecord> {
  const { clock, plan, sut } = o;
  const recorder = new Recorder(o.candidateBuckets);
  const planned = plan.count - plan.warmupCount;
  recorder.counts.planned = planned;

  // warm-up: one client cycling the warm-up queries for warmupUs
  const warmEndUs = clock.nowUs() + plan.warmupUs;
  for (let n = 0; plan.warmupCount > 0 && clock.nowUs() < warmEndUs && !o.signal?.aborted; n++) {
    const index = n % plan.warmupCount;
    await sut.issue({ index, userId: plan.userId[index]!, candidates: plan.candidates[index]! });
    recorder.counts.warmupCompleted++;
  }

  o.onMeasuredStart?.();
  const batchStartUs = clock.nowUs();
  let lastCompletionUs = batchStartUs;
  let finished = 0;
  let aborted = false;
  const pending: Promise<void>[] = [];
  for (let i = plan.warmupCount; i < plan.count; i++) {
    if (o.signal?.aborted) {
      aborted = true;
      recorder.counts.notIssued = plan.count - i;
      break;
    }
    const candidates = plan.candidates[i]!;
    recorder.issued(undefined, Infinity);
    pending.push(
      sut.issue({ index: i, userId: plan.userId[i]!, candidates }).then((completion: Completion) => {
        const doneUs = clock.nowUs();
        recorder.completed(doneUs - batchStartUs, completion, candidates);
        if (doneUs > lastCompletionUs) lastCompletionUs = doneUs;
        o.onProgress?.(++finished, planned);
      }),
    );
    if ((i - plan.warmupCount + 1) % ISSUE_CHUNK === 0) await clock.yieldNow();
  }
  await Promise.all(pending);
  return { kind: 'offline', recorder, measuredUs: lastCompletionUs - batchStartUs, aborted, planExhausted: false };
}
