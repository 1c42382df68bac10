import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../../harness/scenario/load.ts';
import type { ScenarioInput } from '../../../../harness/scenario/schema.ts';
import { buildPlan } from '../../../../harness/loadgen/traffic/plan.ts';
import { planDigest } from '../../../../harness/loadgen/traffic/plan-digest.ts';
import { parseShardSpec, shardOfUser, shardPlan } from '../../../../harness/loadgen/traffic/shard.ts';
import { shardScenario } from '../../../../harness/loadgen/traffic/shard-scenario.ts';
import { UserStateCache } from '../../../../models/cache/user-state-cache.ts';
import { SimulatedClock } from '../../../../harness/loadgen/clock.ts';

function scenario(extra: Partial<ScenarioInput> = {}) {
  return parseScenario(
    {
      name: 'shard-test',
      seed: 11,
      traffic: { users: { size: 5000, distribution: 'zipf', zipfExponent: 1 }, arrivals: { process: 'poisson', rateQps: 2000 } },
      run: { warmupS: 1, durationS: 5 },
      ...extra,
    },
    'test',
  );
}

describe('shard partition of a plan', () => {
  const plan = buildPlan(scenario());

  it.each([1, 2, 3, 7])('is disjoint, covers the plan and keeps schedule times and per-user order (n=%i)', (n) => {
    const shards = Array.from({ length: n }, (_, i) => shardPlan(plan, { index: i, count: n }));
    const seen = new Uint8Array(plan.count);
    let mismatches = 0; // counted, not one expect per arrival (thousands of them)
    for (const s of shards) {
      for (let j = 0; j < s.count; j++) {
        const src = s.sourceIndex[j]!;
        seen[src]!++;
        if (s.startUs[j] !== plan.startUs[src] || s.userId[j] !== plan.userId[src] || s.candidates[j] !== plan.candidates[src]) mismatches++;
        if (j > 0 && src <= s.sourceIndex[j - 1]!) mismatches++; // plan order kept
      }
      // warm-up entries are exactly the shard's entries from the whole plan's warm-up window
      expect(s.warmupCount).toBe([...s.sourceIndex].filter((src) => src < plan.warmupCount).length);
      expect(s.warmupUs).toBe(plan.warmupUs);
      expect(s.durationUs).toBe(plan.durationUs);
    }
    expect(mismatches).toBe(0);
    expect(seen.every((c) => c === 1)).toBe(true); // every arrival in exactly one shard
    // every user on exactly one shard, so its requests stay in order on one generator
    const owner = new Map<number, number>();
    let split = 0;
    shards.forEach((s, i) => {
      for (const user of s.userId) {
        if ((owner.get(user) ?? i) !== i) split++;
        owner.set(user, i);
      }
    });
    expect(split).toBe(0);
  });

  it('is stable and roughly balanced', () => {
    expect(shardOfUser(12345, 4)).toBe(shardOfUser(12345, 4));
    const counts = [0, 0, 0, 0];
    for (let u = 1; u <= 40_000; u++) counts[shardOfUser(u, 4)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(600); // ~6 sigma
  });

  it('gives the same per-user hit/miss sequence as one process with an unlimited TTL cache', () => {
    // Each user's requests on one shard, in order, at the same times: a cache keyed by user sees the
    // same history whether it holds all users or only its shard's.
    const outcomes = (p: { count: number; userId: Uint32Array; startUs: Float64Array }) => {
      const clock = new SimulatedClock();
      const cache = new UserStateCache<number>({ ttlUs: 500_000 }, clock);
      const hits = new Map<number, boolean[]>();
      for (let i = 0; i < p.count; i++) {
        clock.advanceUs(p.startUs[i]! - clock.nowUs());
        const user = p.userId[i]!;
        const hit = cache.get(user) !== undefined;
        if (!hit) cache.set(user, 1, 8);
        hits.set(user, [...(hits.get(user) ?? []), hit]);
      }
      return hits;
    };
    const whole = outcomes(plan);
    for (let i = 0; i < 3; i++) {
      for (const [user, seq] of outcomes(shardPlan(plan, { index: i, count: 3 }))) expect(seq).toEqual(whole.get(user));
    }
  });

  it('parses i/n and rejects bad specs with the reason', () => {
    expect(parseShardSpec('1/4')).toEqual({ index: 1, count: 4 });
    expect(() => parseShardSpec('4/4')).toThrow('shard index: expected 0..3 (0-based), got 4');
    expect(() => parseShardSpec('0/0')).toThrow('shard count: expected 1..1024, got 0');
    expect(() => parseShardSpec('a/b')).toThrow('expected i/n such as 0/4, got "a/b"');
  });

  it('divides closed-loop clients, minQueries and cache budget among shards', () => {
    const s = scenario({ traffic: { arrivals: { process: 'closed', concurrency: 5 } }, cache: { capacityUsers: 1001 }, run: { minQueries: 100 } });
    const parts = [0, 1].map((i) => shardScenario(s, { index: i, count: 2 }));
    expect(parts.map((p) => (p.traffic.arrivals.process === 'closed' ? p.traffic.arrivals.concurrency : 0))).toEqual([3, 2]);
    expect(parts.map((p) => p.run.minQueries)).toEqual([50, 50]);
    expect(parts.map((p) => p.cache.capacityUsers)).toEqual([501, 501]);
    expect(s.run.minQueries).toBe(100); // the input is not modified
    expect(() => shardScenario(s, { index: 0, count: 6 })).toThrow('concurrency: expected >= the shard count 6');
  });

  it('fingerprints the whole plan', () => {
    expect(planDigest(buildPlan(scenario()))).toBe(planDigest(plan));
    expect(planDigest(buildPlan(scenario(), 12))).not.toBe(planDigest(plan));
  });
});
