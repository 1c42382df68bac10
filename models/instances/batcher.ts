/**
 * Dynamic batching, as Triton's dynamic batcher decides it: when a model instance can take work,
 * the requests waiting for it are sent as one batch when
 * - there are at least `maxBatch` of them (a full batch: `maxBatch` go), or
 * - a preferred size can be formed (the largest preferred size <= waiting goes at once), or
 * - the oldest has waited `maxQueueDelayUs` (whatever is there, up to `maxBatch`, goes);
 * otherwise the instance stays idle until one of these holds (more requests, or the oldest's
 * deadline). Without preferred sizes the batcher waits for a full batch or the deadline, so
 * `maxQueueDelayUs` 0 sends whatever is waiting at once. Pure: the pool asks, on its own clock.
 */
import type { BatchingFacts } from '../../harness/results/contract.ts';

export interface BatchingPolicy {
  /** most requests in one batch */
  maxBatch: number;
  /** batch sizes sent as soon as they can be formed (ascending, each <= maxBatch); may be empty */
  preferredBatch: readonly number[];
  /** longest the oldest waiting request is held for a larger batch, µs */
  maxQueueDelayUs: number;
}

export type BatchDecision =
  /** send a batch of `size` requests now */
  | { kind: 'send'; size: number }
  /** hold: nothing changes before `untilUs` unless more requests arrive */
  | { kind: 'hold'; untilUs: number };

/** What an instance that can take work does with `waiting` requests, the oldest issued at `oldestUs`. */
export function decideBatch(policy: BatchingPolicy, waiting: number, oldestUs: number, nowUs: number): BatchDecision {
  const { maxBatch, preferredBatch, maxQueueDelayUs } = policy;
  if (waiting >= maxBatch) return { kind: 'send', size: maxBatch };
  let preferred = 0;
  for (const p of preferredBatch) if (p <= waiting && p > preferred) preferred = p;
  if (preferred > 0) return { kind: 'send', size: preferred };
  const deadlineUs = oldestUs + maxQueueDelayUs;
  if (nowUs >= deadlineUs) return { kind: 'send', size: Math.min(waiting, maxBatch) };
  return { kind: 'hold', untilUs: deadlineUs };
}

/** `maxBatch=8 preferredBatch=4,8 maxQueueDelayUs=500` for results and logs. */
export function describeBatching(policy: BatchingPolicy): string {
  const preferred = policy.preferredBatch.length > 0 ? ` preferredBatch=${policy.preferredBatch.join(',')}` : '';
  return `maxBatch=${policy.maxBatch}${preferred} maxQueueDelayUs=${policy.maxQueueDelayUs}`;
}

/** The batch-size tag of a completion: the number of requests in its batch. */
export const BATCH_TAG = 'batch';

/** A scenario's or flags' batching settings (already range-checked) as a policy: preferred sizes sorted, unique. */
export function batchingPolicy(spec: { maxBatch: number; preferredBatch?: readonly number[] | undefined; maxQueueDelayUs: number }): BatchingPolicy {
  const preferred = spec.preferredBatch ?? [];
  return { maxBatch: spec.maxBatch, preferredBatch: [...new Set(preferred)].sort((a, b) => a - b), maxQueueDelayUs: spec.maxQueueDelayUs };
}

/** The results' `batching` entry of a pool's runs: absent when batching was off. */
export function batchingFacts(pool: { batching: BatchingPolicy | undefined; batchedForm: boolean }): { batching?: BatchingFacts } {
  if (!pool.batching) return {};
  const { maxBatch, preferredBatch, maxQueueDelayUs } = pool.batching;
  return { batching: { maxBatch, preferredBatch: [...preferredBatch], maxQueueDelayUs, batchedForm: pool.batchedForm } };
}
