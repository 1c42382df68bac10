/**
 * The user-state cache over several instances: a hit runs on the instance that holds the state;
 * when that instance dies its states are forgotten (not counted as evictions), so the next
 * request of the user misses and recomputes on a live instance.
 */
import { describe, expect, it } from 'vitest';
import { HrClock } from '../../../harness/loadgen/clock.ts';
import { createInstancePool } from '../../../models/instances/pool.ts';
import { presetConfig } from '../../../models/presets.ts';
import { createCachedScorer } from '../../../models/sut/cached-scorer.ts';
import { fakeSpec, release } from '../instances/fake-runtime.ts';

const { Fu, Fg } = presetConfig('tiny');

describe('cached scorer over instances', () => {
  it('routes hits to the owner; a dead owner takes its states with it and the user misses again', async () => {
    const { gate, spec } = fakeSpec(20_000, 'ugsep');
    release(gate); // computations return at once
    const pool = await createInstancePool({ spec, instances: 2 });
    try {
      const scorer = createCachedScorer<number>(pool, { limits: {}, clock: new HrClock() });
      const user = new Float32Array(Fu).fill(0.5);
      const group = new Float32Array(2 * Fg).fill(1);
      const first = await scorer.score(7, user, group);
      expect(first.cacheHit).toBe(false);
      const owner = first.tags.instance!;
      const again = await scorer.score(7, user, group);
      expect(again).toMatchObject({ ok: true, cacheHit: true, tags: { instance: owner, cache: 'hit' } });
      if (again.ok) expect(Array.from(again.scores)).toEqual([8.5, 8.5]);
      await pool.kill(Number(owner));
      await pool.settled();
      const afterDeath = await scorer.score(7, user, group);
      expect(afterDeath).toMatchObject({ ok: true, cacheHit: false, tags: { cache: 'miss' } });
      const stats = scorer.cache!.stats();
      console.log(`after the owner died: ${JSON.stringify(stats)}`);
      expect(stats).toMatchObject({ hits: 1, misses: 2, evictions: 0, entries: 1 });
    } finally {
      await pool.close();
    }
  }, 60_000);
});
