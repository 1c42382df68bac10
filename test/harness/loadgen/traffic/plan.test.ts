import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../../harness/loadgen/clock.ts';
import { UserStateCache } from '../../../../models/cache/user-state-cache.ts';
import { parseScenario } from '../../../../harness/scenario/load.ts';
import type { ScenarioInput } from '../../../../harness/scenario/schema.ts';
import { buildPlan } from '../../../../harness/loadgen/traffic/plan.ts';

function scenario(overrides: Partial<ScenarioInput> & { traffic?: ScenarioInput['traffic'] } = {}) {
  return parseScenario(
    {
      name: 't',
      seed: 7,
      traffic: { arrivals: { process: 'poisson', rateQps: 1000 }, candidates: { distribution: 'lognormal', median: 64, max: 512 } },
      run: { warmupS: 1, durationS: 20 },
      ...overrides,
    },
    'test',
  );
}

describe('traffic plan', () => {
  it('is identical for identical inputs and differs for another seed', () => {
    const a = buildPlan(scenario());
    const b = buildPlan(scenario());
    expect(a.count).toBe(b.count);
    expect(a.startUs).toEqual(b.startUs);
    expect(a.userId).toEqual(b.userId);
    expect(a.candidates).toEqual(b.candidates);
    const c = buildPlan(scenario(), 8);
    expect(c.userId).not.toEqual(a.userId);
  });

  it('keeps arrival times when only the candidate distribution changes', () => {
    const a = buildPlan(scenario());
    const b = buildPlan(scenario({ traffic: { arrivals: { process: 'poisson', rateQps: 1000 }, candidates: { distribution: 'fixed', count: 5 } } }));
    expect(b.startUs).toEqual(a.startUs);
    expect(b.userId).toEqual(a.userId);
    expect([...b.candidates].every((n) => n === 5)).toBe(true);
  });

  it('Poisson arrivals have the requested mean rate and exponential gaps', () => {
    const plan = buildPlan(scenario());
    const totalS = 21;
    const expected = 1000 * totalS;
    // count ~ Poisson(21000): sd ~145, allow 4 sd
    expect(Math.abs(plan.count - expected)).toBeLessThan(4 * Math.sqrt(expected));
    const gaps: number[] = [];
    for (let i = 1; i < plan.count; i++) gaps.push(plan.startUs[i]! - plan.startUs[i - 1]!);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    expect(Math.abs(mean - 1000) / 1000).toBeLessThan(0.03);
    expect(Math.abs(sd / mean - 1)).toBeLessThan(0.05); // coefficient of variation of an exponential is 1
    expect(plan.warmupCount).toBe(plan.startUs.findIndex((t) => t >= 1e6));
  });

  it('constant arrivals are evenly spaced', () => {
    const plan = buildPlan(scenario({ traffic: { arrivals: { process: 'constant', rateQps: 400 } } }));
    expect(plan.count).toBe(400 * 21);
    expect(plan.startUs[10]! - plan.startUs[9]!).toBeCloseTo(2500, 6);
  });

  it('log-normal candidates respect the cap and have the requested median', () => {
    const plan = buildPlan(scenario());
    const sorted = [...plan.candidates].sort((x, y) => x - y);
    expect(sorted[sorted.length - 1]).toBeLessThanOrEqual(512);
    expect(sorted[0]).toBeGreaterThanOrEqual(1);
    expect(Math.abs(sorted[sorted.length >> 1]! - 64)).toBeLessThanOrEqual(2);
  });

  it('quantile tables reproduce their quantiles', () => {
    const plan = buildPlan(
      scenario({
        traffic: {
          arrivals: { process: 'offline', queries: 20000 },
          candidates: { distribution: 'quantiles', table: [{ q: 0, count: 10 }, { q: 0.5, count: 100 }, { q: 0.9, count: 300 }, { q: 1, count: 1000 }] },
        },
      }),
    );
    const sorted = [...plan.candidates].sort((x, y) => x - y);
    const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;
    expect(Math.abs(at(0.5) - 100)).toBeLessThanOrEqual(5);
    expect(Math.abs(at(0.9) - 300)).toBeLessThanOrEqual(15);
    expect(at(1)).toBeLessThanOrEqual(1000);
  });

  for (const forcedHitRate of [0.2, 0.5, 0.9]) {
    it(`forced hit rate ${forcedHitRate} is reached within 2 points by an unlimited LRU`, () => {
      const plan = buildPlan(scenario({ cache: { forcedHitRate }, traffic: { arrivals: { process: 'poisson', rateQps: 300 } } }));
      const cache = new UserStateCache<number>({}, new SimulatedClock());
      for (let i = 0; i < plan.count; i++) {
        if (i === plan.warmupCount) cache.resetCounters();
        if (cache.get(plan.userId[i]!) === undefined) cache.set(plan.userId[i]!, 1, 1);
      }
      const { hits, misses } = cache.stats();
      expect(Math.abs(hits / (hits + misses) - forcedHitRate)).toBeLessThan(0.02);
    });
  }
});
