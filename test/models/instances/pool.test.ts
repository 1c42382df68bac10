/**
 * The instance pool's behaviour with a fake runtime whose computations block until released:
 * FIFO to a free instance, timings from the instance, and an instance killed mid-run (its
 * in-flight request errors with a reason, the instance is replaced, the run goes on).
 */
import { describe, expect, it } from 'vitest';
import { createInstancePool } from '../../../models/instances/pool.ts';
import { presetConfig } from '../../../models/presets.ts';
import type { PoolTask } from '../../../models/instances/pool.ts';
import { GATE_FINISHED, fakeSpec, release, startedAtLeast } from './fake-runtime.ts';

const { Fu, Fg } = presetConfig('tiny'); // the fake runtime's shape
const task = (candidates: number): PoolTask => ({
  userFeatures: new Float32Array(Fu),
  groupFeatures: new Float32Array(candidates * Fg).fill(1),
  place: (free) => ({ slot: free, order: { mode: 'whole' } }),
});

describe('instance pool', () => {
  it('runs requests on free instances in FIFO order, off this thread, with instance-measured times', async () => {
    const { gate, spec } = fakeSpec(20_000);
    const pool = await createInstancePool({ spec, instances: 2 });
    try {
      const runs = [pool.run(task(1)), pool.run(task(2)), pool.run(task(3))];
      await startedAtLeast(gate, 2); // two instances compute; the third request waits
      expect(pool.inFlight()).toBe(2);
      expect(pool.queued()).toBe(1);
      expect(Atomics.load(gate, GATE_FINISHED)).toBe(0); // this thread runs while both block
      release(gate);
      const outcomes = await Promise.all(runs);
      expect(outcomes.map((o) => (o.ok ? Array.from(o.scores) : o.error))).toEqual([[8], [8, 8], [8, 8, 8]]);
      for (const o of outcomes) if (o.ok) expect(o.timingsUs.serviceUs).toBeGreaterThan(0);
      expect(new Set(outcomes.map((o) => o.slot))).toEqual(new Set([0, 1]));
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('a worker killed mid-run: its in-flight request errors with a reason, the instance is replaced, the run goes on', async () => {
    const { gate, spec } = fakeSpec(20_000);
    const pool = await createInstancePool({ spec, instances: 2 });
    try {
      const first = [pool.run(task(1)), pool.run(task(1))];
      await startedAtLeast(gate, 2);
      await pool.kill(0);
      const killed = await Promise.race(first.map((p) => p.then((o) => (o.slot === 0 ? o : new Promise<never>(() => {})))));
      expect(killed.ok).toBe(false);
      if (!killed.ok) {
        console.log(`in-flight request on the killed instance: ${killed.error}`);
        expect(killed.error).toMatch(/^instance 0: model instance died while computing this request \(/);
      }
      release(gate);
      const survivor = await Promise.all(first);
      expect(survivor.filter((o) => o.ok).length).toBe(1);
      // the run goes on: later requests complete, on the replacement too, and nothing hangs
      await pool.settled();
      const later = await Promise.all(Array.from({ length: 6 }, () => pool.run(task(2))));
      expect(later.every((o) => o.ok)).toBe(true);
      const stats = pool.stats();
      console.log(`after the kill: ${JSON.stringify(stats.map((s) => ({ slot: s.slot, alive: s.alive, restarts: s.restarts, completed: s.completed, errored: s.errored })))}`);
      expect(stats[0]!.restarts).toBe(1);
      expect(stats[0]!.alive).toBe(true);
      expect(stats[0]!.completed).toBeGreaterThan(0);
      expect(pool.generation(0)).toBe(1);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('an instance that cannot start says why (exit 104 kinds keep their meaning)', async () => {
    const { spec } = fakeSpec(0);
    await expect(createInstancePool({ spec: { ...spec, factoryModule: undefined, runtime: 'ort-cuda' } })).rejects.toThrow(/model instance \(baseline on ort-cuda\)/);
  }, 60_000);
});
