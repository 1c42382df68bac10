import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../harness/loadgen/clock.ts';
import { UserStateCache } from '../../../models/cache/user-state-cache.ts';
import { lruHitRate } from '../../../models/cache/lru-model.ts';
import { Rng } from '../../../harness/rng.ts';
import { zipfSampler } from '../../../harness/loadgen/traffic/population.ts';

describe('user-state cache', () => {
  it('expires entries older than the TTL on the injected clock', () => {
    const clock = new SimulatedClock();
    const cache = new UserStateCache<string>({ ttlUs: 1000 }, clock);
    cache.set(1, 'a', 10);
    clock.advanceUs(999);
    expect(cache.get(1)).toBe('a');
    clock.advanceUs(2);
    expect(cache.get(1)).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, expirations: 1, entries: 0, bytes: 0 });
  });

  it('evicts least recently used entries to stay within the byte budget', () => {
    const removed: string[] = [];
    const cache = new UserStateCache<string>({ capacityBytes: 100 }, new SimulatedClock(), (v) => removed.push(v));
    cache.set(1, 'a', 40);
    cache.set(2, 'b', 40);
    expect(cache.get(1)).toBe('a'); // 1 is now most recent; 2 is least
    cache.set(3, 'c', 40); // 120 > 100: evict 2
    expect(cache.has(2)).toBe(false);
    expect(cache.has(1) && cache.has(3)).toBe(true);
    expect(cache.stats()).toMatchObject({ bytes: 80, evictions: 1, entries: 2 });
    cache.set(4, 'd', 100); // needs the whole budget: evicts both
    expect(cache.stats()).toMatchObject({ bytes: 100, evictions: 3, entries: 1 });
    cache.set(5, 'e', 101); // larger than the budget: never stored
    expect(cache.stats()).toMatchObject({ rejected: 1, entries: 1 });
    expect(removed).toEqual(['b', 'a', 'c', 'e']);
  });

  it('keeps at most capacityUsers entries', () => {
    const cache = new UserStateCache<number>({ capacityUsers: 3 }, new SimulatedClock());
    for (let id = 1; id <= 5; id++) cache.set(id, id, 1);
    expect(cache.stats()).toMatchObject({ entries: 3, evictions: 2 });
    expect([1, 2, 3, 4, 5].map((id) => cache.has(id))).toEqual([false, false, true, true, true]);
  });

  for (const [exponent, capacity] of [
    [1.0, 1000],
    [0.8, 5000],
    [1.2, 200],
  ] as const) {
    it(`Zipf(${exponent}) users over an LRU of ${capacity} hit at the rate Che's approximation predicts`, () => {
      const users = 50_000;
      const sampler = zipfSampler(users, exponent);
      const predicted = lruHitRate(sampler.probabilities(), capacity);
      const cache = new UserStateCache<number>({ capacityUsers: capacity }, new SimulatedClock());
      const rng = new Rng(3);
      for (let i = 0; i < 300_000; i++) {
        if (i === 100_000) cache.resetCounters(); // from a warm cache
        const id = sampler.next(rng);
        if (cache.get(id) === undefined) cache.set(id, id, 1);
      }
      const { hits, misses } = cache.stats();
      const observed = hits / (hits + misses);
      expect(predicted).toBeGreaterThan(0.1);
      expect(predicted).toBeLessThan(0.95);
      expect(Math.abs(observed - predicted)).toBeLessThan(0.02);
    });
  }
});
