/**
 * The dynamic batcher's rule (models/instances/batcher.ts) at each of its boundaries, and the
 * pool holding requests for maxQueueDelayUs on a simulated clock: queue times are exact there,
 * so the delay is checked to the microsecond without any bound on the real clock.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../harness/loadgen/clock.ts';
import { batchingPolicy, decideBatch } from '../../../models/instances/batcher.ts';
import { createInstancePool } from '../../../models/instances/pool.ts';
import { presetConfig } from '../../../models/presets.ts';
import { VARIANTS } from '../../../models/variants.ts';

describe('decideBatch (Triton dynamic batcher rules)', () => {
  const policy = batchingPolicy({ maxBatch: 8, maxQueueDelayUs: 500 });
  it('sends a full batch at once, holds a partial one until the oldest deadline, then sends it', () => {
    expect(decideBatch(policy, 8, 0, 0)).toEqual({ kind: 'send', size: 8 });
    expect(decideBatch(policy, 11, 0, 0)).toEqual({ kind: 'send', size: 8 });
    expect(decideBatch(policy, 3, 100, 100)).toEqual({ kind: 'hold', untilUs: 600 });
    expect(decideBatch(policy, 3, 100, 599)).toEqual({ kind: 'hold', untilUs: 600 });
    expect(decideBatch(policy, 3, 100, 600)).toEqual({ kind: 'send', size: 3 });
  });
  it('sends the largest preferred size that can be formed at once', () => {
    const preferred = batchingPolicy({ maxBatch: 8, preferredBatch: [4, 2], maxQueueDelayUs: 500 });
    expect(preferred.preferredBatch).toEqual([2, 4]);
    expect(decideBatch(preferred, 1, 0, 0)).toEqual({ kind: 'hold', untilUs: 500 });
    expect(decideBatch(preferred, 2, 0, 0)).toEqual({ kind: 'send', size: 2 });
    expect(decideBatch(preferred, 3, 0, 0)).toEqual({ kind: 'send', size: 2 });
    expect(decideBatch(preferred, 7, 0, 0)).toEqual({ kind: 'send', size: 4 });
    expect(decideBatch(preferred, 8, 0, 0)).toEqual({ kind: 'send', size: 8 });
  });
  it('a zero delay sends whatever waits', () => {
    const eager = batchingPolicy({ maxBatch: 8, maxQueueDelayUs: 0 });
    expect(decideBatch(eager, 1, 50, 50)).toEqual({ kind: 'send', size: 1 });
  });
});

describe('the pool holds requests for maxQueueDelayUs (simulated clock)', () => {
  const config = presetConfig('tiny');
  const spec = { runtime: 'reference' as const, variant: 'ugsep' as const, weights: { preset: 'tiny', seed: 1 }, weightVariants: VARIANTS, options: {} };
  const task = (i: number) => ({
    userFeatures: new Float32Array(config.Fu).fill(i),
    groupFeatures: new Float32Array(2 * config.Fg).fill(0.1 * i),
    place: (free: number) => ({ slot: free, order: { mode: 'whole' as const } }),
  });

  it('3 requests at t=0 and 1 at t=300 wait until t=1000 (oldest + delay), then go as one batch of 4', async () => {
    const clock = new SimulatedClock();
    const pool = await createInstancePool({ spec, clock, batching: batchingPolicy({ maxBatch: 8, maxQueueDelayUs: 1000 }) });
    try {
      const first = [0, 1, 2].map((i) => pool.run(task(i)));
      await clock.sleepUntilUs(300);
      expect(pool.queued()).toBe(3); // held: nothing was sent before the deadline
      const late = pool.run(task(3));
      const outcomes = await Promise.all([...first, late]);
      const queueUs = outcomes.map((o) => (o.ok ? o.timingsUs.queueUs : NaN));
      console.log(`queueUs with maxQueueDelayUs 1000: ${queueUs.join(', ')}; batch tags ${outcomes.map((o) => (o.ok ? o.tags?.batch : 'error')).join(', ')}`);
      expect(queueUs).toEqual([1000, 1000, 1000, 700]);
      for (const o of outcomes) expect(o.ok && o.tags?.batch).toBe('4');
      expect(pool.stats()[0]!.batches).toBe(1);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('a preferred size goes the moment it forms; a delay of 0 sends each request alone', async () => {
    const clock = new SimulatedClock();
    const pool = await createInstancePool({ spec, clock, batching: batchingPolicy({ maxBatch: 8, preferredBatch: [2], maxQueueDelayUs: 1000 }) });
    try {
      const a = pool.run(task(0));
      await clock.sleepUntilUs(250);
      const b = pool.run(task(1));
      const outcomes = await Promise.all([a, b]);
      expect(outcomes.map((o) => (o.ok ? o.timingsUs.queueUs : NaN))).toEqual([250, 0]);
      for (const o of outcomes) expect(o.ok && o.tags?.batch).toBe('2');
    } finally {
      await pool.close();
    }
    const eagerClock = new SimulatedClock();
    const eager = await createInstancePool({ spec, clock: eagerClock, batching: batchingPolicy({ maxBatch: 8, maxQueueDelayUs: 0 }) });
    try {
      const outcome = await eager.run(task(0));
      expect(outcome.ok && outcome.timingsUs.queueUs).toBe(0);
      expect(outcome.ok && outcome.tags?.batch).toBe('1');
    } finally {
      await eager.close();
    }
  }, 60_000);
});
