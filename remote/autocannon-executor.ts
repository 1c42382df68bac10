/**
 * Closed-loop maximum throughput over HTTP with autocannon: `concurrency` connections, each
 * sending its next request as the previous answer arrives, bodies taken from the plan in order.
 * autocannon's own histogram keeps whole milliseconds; each response's duration is read from
 * its `response` event instead (hrtime, sub-ms) and recorded in our µs HDR histograms. Its
 * clock starts when the request is written, so like every closed loop it excludes queueing
 * before issue (results label the executor `closed`).
 */
import autocannon from 'autocannon';
import type { ExecutorRecord } from '../harness/loadgen/executors/executor.ts';
import { Recorder } from '../harness/loadgen/recorder.ts';
import { candidateBuckets, measuredCandidates, type CandidateBucket } from '../harness/loadgen/candidate-buckets.ts';
import type { Completion } from '../harness/loadgen/sut.ts';
import type { TrafficPlan } from '../harness/loadgen/traffic/plan.ts';
import type { BodyBuilder } from './request-bodies.ts';
import { readAnswer } from './response.ts';

export interface AutocannonOptions {
  url: string;
  modelName: string;
  plan: TrafficPlan;
  bodies: BodyBuilder;
  connections: number;
  timeoutMs: number;
  sendUserId: boolean;
  signal?: AbortSignal;
  onMeasuredStart?: () => void;
  /** buckets of the `candidates` tag (default: drawn from the plan) */
  candidateBuckets?: readonly CandidateBucket[];
  onProgress?: (done: number, planned: number) => void;
}

export async function runAutocannon(o: AutocannonOptions): Promise<ExecutorRecord> {
  const recorder = new Recorder(o.candidateBuckets ?? candidateBuckets(measuredCandidates(o.plan)));
  const { plan } = o;
  if (plan.warmupUs > 0) await runPhase(o, plan.warmupUs / 1e6, 0, Math.max(1, plan.warmupCount), () => recorder.counts.warmupCompleted++);
  o.onMeasuredStart?.();
  const measured = Math.max(1, plan.count - plan.warmupCount);
  let finished = 0;
  const startedNs = process.hrtime.bigint();
  const aborted = await runPhase(o, plan.durationUs / 1e6, plan.warmupCount, measured, (latencyUs, completion, candidates) => {
    recorder.counts.issued++;
    recorder.completed(latencyUs, completion, candidates);
    o.onProgress?.(++finished, Math.max(finished, measured));
  });
  const measuredUs = Number(process.hrtime.bigint() - startedNs) / 1e3;
  recorder.counts.planned = recorder.counts.issued;
  return { kind: 'closed', recorder, measuredUs, aborted, planExhausted: false };
}

/** One autocannon run of `durationS` cycling plan queries [first, first + count). Resolves aborted?. */
function runPhase(
  o: AutocannonOptions,
  durationS: number,
  first: number,
  count: number,
  onDone: (latencyUs: number, completion: Completion, candidates: number) => void,
): Promise<boolean> {
  let next = 0;
  // autocannon calls onResponse and then emits `response` for the same client synchronously.
  let answered: Completion = { status: 'errored', cacheHit: null, error: 'no response' };
  let lastCandidates = 0;
  const instance = autocannon(
    {
      url: o.url,
      connections: o.connections,
      duration: durationS,
      timeout: Math.max(1, Math.ceil(o.timeoutMs / 1000)),
      requests: [
        {
          method: 'POST',
          path: `/v2/models/${encodeURIComponent(o.modelName)}/infer`,
          headers: { 'content-type': 'application/json' },
          setupRequest: (request: Record<string, unknown>, context: Record<string, unknown>) => {
            const index = first + (next++ % count);
            // Answers come back in request order per connection: remember which query each carries.
            ((context.queue as number[] | undefined) ?? (context.queue = [])).push(index);
            return { ...request, body: o.bodies.body(index, o.sendUserId ? o.plan.userId[index] : undefined) };
          },
          onResponse: (status: number, body: string, context: Record<string, unknown>) => {
            const index = (context.queue as number[]).shift() ?? first;
            answered = readAnswer(status, body, o.plan.candidates[index]!).completion;
            lastCandidates = o.plan.candidates[index]!;
          },
        },
      ],
    } as unknown as autocannon.Options,
    () => {},
  );
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
    onDone(responseTimeMs * 1000, answered, lastCandidates);
  });
  instance.on('reqError', (error: Error) => onDone(0, { status: 'errored', cacheHit: null, error: /timeout/i.test(error.message) ? 'timeout' : `connection ${(error as { code?: string }).code ?? error.message}` }, 0));
  const stop = (): void => instance.stop();
  o.signal?.addEventListener('abort', stop, { once: true });
  return new Promise((resolve) => {
    instance.on('done', () => {
      o.signal?.removeEventListener('abort', stop);
      resolve(o.signal?.aborted ?? false);
    });
  });
}
