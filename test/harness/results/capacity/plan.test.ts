/** Capacity arithmetic on a hand-computed example, and the hit-rate what-if on known histograms. */
import { describe, expect, it } from 'vitest';
import { planCapacity } from '../../../../harness/results/capacity/plan.ts';
import { meanServiceUs, mixtureQuantile, whatIfHitRates } from '../../../../harness/results/capacity/what-if.ts';
import { fromValues } from '../../../../harness/results/compare/sample.ts';

describe('capacity plan', () => {
  it('hand-computed: 125 req/s per replica, 20% headroom, 1000 req/s target', () => {
    // usable = 125 x 0.8 = 100 -> 10 replicas; utilisation 1000 / 1250 = 0.8;
    // cost 10 x 2 = 20 per hour; 1000 req/s x 100 cand x 3600 s = 3.6e8 candidates/hour
    // -> 20 / 3.6e8 x 1e6 = 0.0555... per million; cache 1e6 users x 4096 B = 4.096e9 B
    const plan = planCapacity({ peakQpsPerReplica: 125, meanCandidates: 100, stateBytesPerUser: 4096 }, { targetQps: 1000, headroom: 0.2, replicaCostPerHour: 2, activeUsers: 1e6 });
    expect(plan).toEqual({
      usableQpsPerReplica: 100,
      replicas: 10,
      utilisation: 0.8,
      costPerHour: 20,
      costPerMillionCandidates: expect.closeTo(20 / 360, 12),
      cacheBytes: 4.096e9,
    });
  });
  it('rounds replicas up, never below one; no cost or cache figures without their inputs', () => {
    expect(planCapacity({ peakQpsPerReplica: 125, meanCandidates: 100, stateBytesPerUser: null }, { targetQps: 1001, headroom: 0.2 }).replicas).toBe(11);
    const small = planCapacity({ peakQpsPerReplica: 500, meanCandidates: 10, stateBytesPerUser: null }, { targetQps: 1, activeUsers: 5 });
    expect(small).toMatchObject({ replicas: 1, costPerHour: null, costPerMillionCandidates: null, cacheBytes: null });
    expect(() => planCapacity({ peakQpsPerReplica: 1, meanCandidates: 1, stateBytesPerUser: null }, { targetQps: 1, headroom: 1 })).toThrow(RangeError);
  });
});

describe('hit-rate what-if', () => {
  const profile = { hit: fromValues(Array(100).fill(1000)), miss: fromValues(Array(100).fill(3000)), observedHitRate: 0.5 };
  it('mean service time and scaled peak', () => {
    expect(meanServiceUs(profile, 0.5)).toBe(2000);
    const [none, more] = whatIfHitRates(profile, 100, [0, 0.8]);
    expect(none).toMatchObject({ hitRate: 0, meanServiceUs: 3000, peakQps: expect.closeTo(200 / 3, 9), p99Us: 3000 });
    expect(more).toMatchObject({ hitRate: 0.8, meanServiceUs: expect.closeTo(1400, 9), peakQps: expect.closeTo(100 * 2000 / 1400, 9) });
  });
  it('mean service from the service-time split when the run has one; p99 still from latency', () => {
    // latency holds queueing (3 ms / 5 ms), service does not (1 ms / 2 ms)
    const split = { hit: fromValues(Array(100).fill(3000)), miss: fromValues(Array(100).fill(5000)), service: { hit: fromValues(Array(100).fill(1000)), miss: fromValues(Array(100).fill(2000)) }, observedHitRate: 0.5 };
    const [none] = whatIfHitRates(split, 100, [0]);
    expect(none).toMatchObject({ meanServiceUs: 2000, serviceBasis: 'service', peakQps: expect.closeTo(75, 9), p99Us: 5000 });
    expect(whatIfHitRates(profile, 100, [0])[0]!.serviceBasis).toBe('latency');
  });
  it('p99 of the hit/miss mixture', () => {
    expect(mixtureQuantile(profile, 0.5, 0.99)).toBe(3000);
    expect(mixtureQuantile(profile, 0.995, 0.99)).toBe(1000); // 99.5% of requests are 1 ms hits
    expect(mixtureQuantile(profile, 0.5, 0.5)).toBe(1000);
  });
});
