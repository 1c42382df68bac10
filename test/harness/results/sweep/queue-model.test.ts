/**
 * The queue model the sweep's cross-check uses (harness/results/sweep/queue-model.ts): checked
 * against the M/M/1 queue's exact answer, and shown to predict the effect the real sweeps saw:
 * under a tight fixed SLO, a peak ratio above the mean service-time ratio.
 */
import { describe, expect, it } from 'vitest';
import { modelPeakQps, simulatedP99Us } from '../../../../harness/results/sweep/queue-model.ts';
import { Rng } from '../../../../harness/rng.ts';

/** QUANTILES-many equally likely values of an exponential with this mean. */
function exponentialQuantiles(meanUs: number, n = 4000): number[] {
  return Array.from({ length: n }, (_, i) => -Math.log(1 - (i + 0.5) / n) * meanUs);
}

describe('queue model', () => {
  it('M/M/1: the sojourn time is exponential with rate mu - lambda, so p99 = ln(100) / (mu - lambda)', () => {
    const meanUs = 10_000; // mu = 100/s
    const sloUs = 100_000;
    const exact = 100 - Math.log(100) / (sloUs / 1e6); // 53.9 req/s
    const modelled = modelPeakQps(exponentialQuantiles(meanUs), 1, sloUs);
    console.log(`M/M/1 peak under p99 <= 100 ms: exact ${exact.toFixed(2)} req/s, model ${modelled.toFixed(2)} req/s (${((modelled / exact - 1) * 100).toFixed(1)}%)`);
    expect(Math.abs(modelled / exact - 1)).toBeLessThan(0.05);
  });

  it('negative control: a model that ignored queueing (p99 = the service tail) would put the M/M/1 peak at capacity, far off', () => {
    const service = exponentialQuantiles(10_000);
    // at 99% of capacity the queue p99 is far over the SLO, though the service p99 (46 ms) is within it
    expect(simulatedP99Us(service, 1, 99, { requests: 40_000 })).toBeGreaterThan(100_000);
  });

  it('a fixed SLO tight against the slow variant\'s tail: the peak ratio exceeds the mean service ratio', () => {
    const rng = new Rng(3);
    // candidates per request, as in the default scenario (heavy right tail up to 256)
    const candidates = Array.from({ length: 4000 }, () => Math.min(256, Math.max(8, Math.round(rng.exponential(70)))));
    const slow = candidates.map((n) => 6000 + 360 * n); // baseline-like: compute grows with every candidate
    const fast = candidates.map((n) => 9000 + 170 * n); // ugsep-like: a user pass once, then cheaper per candidate
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const serviceRatio = mean(slow) / mean(fast);
    const peakRatio = modelPeakQps(fast, 1, 200_000) / modelPeakQps(slow, 1, 200_000);
    const loose = modelPeakQps(fast, 1, 5_000_000) / modelPeakQps(slow, 1, 5_000_000);
    console.log(`service ratio ${serviceRatio.toFixed(2)}; model peak ratio under p99 <= 200 ms ${peakRatio.toFixed(2)}, under a loose 5 s SLO ${loose.toFixed(2)}`);
    expect(peakRatio / serviceRatio).toBeGreaterThan(1.2);
    expect(Math.abs(loose / serviceRatio - 1)).toBeLessThan(0.1); // the effect is the SLO's, not the model's
  });
});
