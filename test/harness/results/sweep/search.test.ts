/**
 * The sweep search on a simulated single-server queue with a known capacity: constant arrivals,
 * service times 10 ms ± 5% (capacity ~100 req/s). Below capacity latency stays ~10 ms; above it
 * the queue grows for the whole run, so p99 and the achieved rate break at the knee.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../harness/rng.ts';
import { findPeakQps, type StepOutcome } from '../../../../harness/results/sweep/search.ts';

const SERVICE_MS = 10;
const CAPACITY_QPS = 1000 / SERVICE_MS;
const DURATION_S = 20;
const SLO_P99_MS = 50;

/** Lindley recursion over one simulated run: sojourn times of every request. */
function simulate(targetQps: number, seed: number): StepOutcome & { p99Ms: number; achievedQps: number } {
  const rng = new Rng(seed);
  const n = Math.round(targetQps * DURATION_S);
  const interval = 1000 / targetQps;
  let freeAt = 0;
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const arrival = i * interval;
    const start = Math.max(arrival, freeAt);
    freeAt = start + SERVICE_MS * (0.95 + 0.1 * rng.uniform());
    latencies.push(freeAt - arrival);
  }
  latencies.sort((a, b) => a - b);
  const p99Ms = latencies[Math.ceil(0.99 * n) - 1]!;
  const achievedQps = n / (freeAt / 1000);
  const reasons = [...(p99Ms > SLO_P99_MS ? ['p99 over SLO'] : []), ...(achievedQps < 0.9 * targetQps ? ['fell behind'] : [])];
  return { targetQps, sustainable: reasons.length === 0, reasons, p99Ms, achievedQps };
}

describe('peak sustainable rate search', () => {
  for (const startQps of [5, 30, 400]) {
    it(`finds the knee within 10% from a start of ${startQps} req/s`, async () => {
      const result = await findPeakQps((qps) => Promise.resolve(simulate(qps, 1)), { startQps });
      expect(result.stopped).toBe('converged');
      expect(result.peakQps).not.toBeNull();
      expect(Math.abs(result.peakQps! - CAPACITY_QPS) / CAPACITY_QPS).toBeLessThan(0.1);
      expect(result.firstUnsustainableQps! / result.peakQps!).toBeLessThanOrEqual(1.05);
      // the whole curve is kept: sustainable below the peak, unsustainable above
      for (const s of result.steps) expect(s.sustainable).toBe(s.targetQps <= result.peakQps!);
    });
  }

  it('stops at maxQps when everything is sustainable, and at minQps when nothing is', async () => {
    const always = await findPeakQps((qps) => Promise.resolve({ targetQps: qps, sustainable: true, reasons: [] }), { startQps: 10, maxQps: 50 });
    expect(always).toMatchObject({ peakQps: 50, firstUnsustainableQps: null, stopped: 'max-qps' });
    const never = await findPeakQps((qps) => Promise.resolve({ targetQps: qps, sustainable: false, reasons: ['x'] }), { startQps: 10, minQps: 1 });
    expect(never).toMatchObject({ peakQps: null, stopped: 'min-qps' });
    const capped = await findPeakQps((qps) => Promise.resolve(simulate(qps, 2)), { startQps: 1, maxSteps: 4 });
    expect(capped.steps).toHaveLength(4);
    expect(capped.stopped).toBe('max-steps');
  });
});
