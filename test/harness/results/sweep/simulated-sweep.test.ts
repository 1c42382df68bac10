/**
 * The whole sweep (repeated rates, strict majority, bisection, knee) on a simulated system under
 * test with known service times, through the real executor, recorder, RunResult and rule:
 * service(N) = a + b N per request of N candidates (baseline and ugsep with different a, b),
 * one request at a time, on the discrete-event clock. Noise: every run gets its own slowdown
 * factor and per-request jitter, and one run in five a stall (a noisy neighbour: 2.5x slower for 0.3 s, which fails a run near the knee only).
 * Known answers: capacity = 1 / mean service; the ugsep / baseline capacity ratio is the
 * service-time speedup at the mean candidate count (service is affine in N).
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../../harness/loadgen/clock.ts';
import { measure } from '../../../../harness/loadgen/measure.ts';
import { createSimulatedSut } from '../../../../harness/loadgen/simulated-sut.ts';
import type { Completion, Query, SystemUnderTest } from '../../../../harness/loadgen/sut.ts';
import { buildPlan, describePlan } from '../../../../harness/loadgen/traffic/plan.ts';
import type { RunResult } from '../../../../harness/results/contract.ts';
import { toRunResult } from '../../../../harness/results/run-result.ts';
import { sweepWithRepeats } from '../../../../harness/results/sweep/repeated.ts';
import { peakVsServiceRatios } from '../../../../harness/results/sweep/ratios.ts';
import type { PairedBucket, PairedComparison } from '../../../../harness/results/contract.ts';
import type { SweepSeries } from '../../../../harness/results/sweep/results.ts';
import { seriesOf } from '../../../../harness/results/sweep/series.ts';
import { judgeSustained, owedRequests } from '../../../../harness/results/sweep/sustainable.ts';
import { Rng } from '../../../../harness/rng.ts';
import { parseScenario } from '../../../../harness/scenario/load.ts';
import type { Scenario } from '../../../../harness/scenario/schema.ts';

const SLO_P99_MS = 100;
/** µs per request and per candidate */
const SERVICE = { baseline: { a: 5000, b: 250 }, ugsep: { a: 2000, b: 80 } } as const;
type Model = keyof typeof SERVICE;
const serviceUsAt = (m: Model, n: number) => SERVICE[m].a + SERVICE[m].b * n;

function scenarioAt(rateQps: number): Scenario {
  return parseScenario(
    {
      name: 'simulated',
      seed: 3,
      traffic: { users: { size: 1000 }, candidates: { distribution: 'uniform', min: 8, max: 56 }, arrivals: { process: 'constant', rateQps } },
      run: { warmupS: 1, durationS: 8, minQueries: 50 },
      slo: { p99Ms: SLO_P99_MS },
    },
    'simulated',
  );
}

/** A simulated server that reports its service time, with this run's noise. */
function noisySut(clock: SimulatedClock, model: Model, rng: Rng): SystemUnderTest {
  const slowdown = 0.92 + 0.16 * rng.uniform();
  const stallAtUs = rng.uniform() < 0.2 ? 1e6 + rng.uniform() * 7e6 : -1;
  const served = new Map<number, number>();
  const inner = createSimulatedSut({
    clock,
    serviceUs: (q: Query, startUs: number) => {
      const stalled = stallAtUs >= 0 && startUs >= stallAtUs && startUs < stallAtUs + 300_000;
      const us = serviceUsAt(model, q.candidates) * slowdown * (0.9 + 0.2 * rng.uniform()) * (stalled ? 2.5 : 1);
      served.set(q.index, us);
      return us;
    },
  });
  return {
    async issue(q: Query): Promise<Completion> {
      const c = await inner.issue(q);
      return { ...c, timingsUs: { serviceUs: served.get(q.index) ?? 0 } };
    },
  };
}

async function runOnce(model: Model, targetQps: number, rng: Rng): Promise<RunResult> {
  const scenario = scenarioAt(targetQps);
  const clock = new SimulatedClock();
  const sut = noisySut(clock, model, rng);
  const record = await measure({ scenario, plan: buildPlan(scenario), sut, clock });
  const runtime = { runtime: 'simulated', provider: 'none', threads: 1, instances: 1, weightPrecision: 'fp32', activationPrecision: 'fp32', details: {} };
  const userCache = { used: false, capacityBytes: null, capacityUsers: null, ttlMs: null, forcedHitRate: null, stateBytesPerUser: null };
  return toRunResult(record, undefined, { variant: model, runtimeName: 'simulated', requestedRuntime: 'simulated', runtime, userCache, cost: () => null }, scenario);
}

async function sweep(model: Model, seed: number) {
  const rng = new Rng(seed + (model === 'ugsep' ? 1000 : 0)); // independent noise per model
  const found = await sweepWithRepeats(
    async (qps) => {
      const run = await runOnce(model, qps, rng);
      return { run, reasons: judgeSustained(run, qps, { sloP99Ms: SLO_P99_MS }), owed: owedRequests(run) };
    },
    { startQps: 20, growth: 1.5, relativePrecision: 0.05, maxSteps: 12, repeats: 3 },
  );
  return seriesOf({ id: `${model}@simulated`, variant: model, runtime: 'simulated' }, found);
}

const meanCandidates = describePlan(buildPlan(scenarioAt(50))).meanCandidates;
const capacityQps = (m: Model) => 1e6 / serviceUsAt(m, meanCandidates);

describe('sweep on a simulated system with known service times', () => {
  it('finds the known peak, twice within 15% under noise, and the ugsep / baseline ratio is the service-time speedup', async () => {
    const peaks: Record<Model, number[]> = { baseline: [], ugsep: [] };
    const bySeed = new Map<number, SweepSeries[]>();
    for (const model of ['baseline', 'ugsep'] as const) {
      for (const seed of [11, 12]) {
        const s = await sweep(model, seed);
        bySeed.set(seed, [...(bySeed.get(seed) ?? []), s]);
        expect(s.peakQps).not.toBeNull();
        expect(s.stopped).toBe('converged');
        peaks[model].push(s.peakQps!);
        console.log(`${model} seed ${seed}: peak ${s.peakQps!.toFixed(1)} req/s (capacity ${capacityQps(model).toFixed(1)}), knee in [${s.knee!.spread!.lowQps.toFixed(1)}, ${s.knee!.spread!.highQps.toFixed(1)}], repeats disagreed at [${s.knee!.disagreedAtQps.map((q) => q.toFixed(1)).join(', ')}]`);
        // the peak is where the queue starts to build: below capacity, but not far
        expect(s.peakQps! / capacityQps(model)).toBeLessThanOrEqual(1.05);
        expect(s.peakQps! / capacityQps(model)).toBeGreaterThan(0.75);
      }
      const [p1, p2] = peaks[model] as [number, number];
      console.log(`${model}: two noisy sweeps ${p1.toFixed(1)} vs ${p2.toFixed(1)} req/s, ratio ${(Math.max(p1, p2) / Math.min(p1, p2)).toFixed(3)} (limit 1.15)`);
      expect(Math.max(p1, p2) / Math.min(p1, p2)).toBeLessThanOrEqual(1.15);
    }
    const speedup = serviceUsAt('baseline', meanCandidates) / serviceUsAt('ugsep', meanCandidates);
    for (const i of [0, 1]) {
      const ratio = peaks.ugsep[i]! / peaks.baseline[i]!;
      console.log(`run ${i + 1}: ugsep / baseline peak ratio ${ratio.toFixed(3)} vs service-time speedup at ${meanCandidates.toFixed(1)} candidates ${speedup.toFixed(3)}: off by ${((ratio / speedup - 1) * 100).toFixed(1)}% (limit 20%)`);
      expect(Math.abs(ratio / speedup - 1)).toBeLessThanOrEqual(0.2);
    }
    // the sweep's own cross-check reads the same: service ratio at low load ~ the known speedup
    for (const [seed, series] of bySeed) {
      const [check] = peakVsServiceRatios(series, SLO_P99_MS);
      console.log(`seed ${seed}: sweep cross-check peak ratio ${check!.peakRatio!.toFixed(3)}, low-load service ratio ${check!.serviceRatio!.toFixed(3)} at ${check!.meanCandidates!.toFixed(1)} candidates`);
      expect(Math.abs(check!.serviceRatio! / speedup - 1)).toBeLessThan(0.1); // per-run noise only
      expect(Math.abs(check!.peakRatio! / check!.serviceRatio! - 1)).toBeLessThanOrEqual(0.2);
      expect(check!.paired).toBeNull(); // no paired phase given

      // with a paired phase: the speedup of the bucket holding the mean candidate count, else `all`
      const c = Math.round(check!.meanCandidates!);
      const bucket = (name: string, lo: number, hi: number, ratio: number): PairedBucket => ({
        bucket: name, loCandidates: lo, hiCandidates: hi, n: 12, medianServiceUs: {},
        speedups: [{ variant: 'ugsep', over: 'baseline', ratio, lo95: ratio - 0.1, hi95: ratio + 0.1, resamples: 2000 }],
      });
      const pairedWith = (buckets: PairedBucket[]): PairedComparison => ({ seed: 1, runtime: 'sim', variants: ['baseline', 'ugsep'], cache: 'bypassed', samples: [], buckets });
      const holding = peakVsServiceRatios(series, SLO_P99_MS, pairedWith([bucket('low', 1, c - 3, 9), bucket('mid', c - 2, c + 2, 1.5), bucket('all', 1, 1000, 1.7)]))[0]!;
      expect(holding.paired).toMatchObject({ bucket: 'mid', ratio: 1.5, n: 12 });
      const none = peakVsServiceRatios(series, SLO_P99_MS, pairedWith([bucket('low', 1, c - 3, 9), bucket('all', 1, 1000, 1.7)]))[0]!;
      expect(none.paired).toMatchObject({ bucket: 'all', ratio: 1.7 });
    }
  }, 120_000);

  it('control: the noise is real: single runs near the knee fail by stalls alone (what the majority of 3 outvotes)', async () => {
    // near the knee a run with a stall fails its p99; with one run per rate that one run
    // decides, with three it is outvoted (unless two of the three stall)
    const rate = capacityQps('baseline') * 0.85;
    const rng = new Rng(5);
    const outcomes: boolean[] = [];
    for (let i = 0; i < 12; i++) {
      const run = await runOnce('baseline', rate, rng);
      outcomes.push(judgeSustained(run, rate, { sloP99Ms: SLO_P99_MS }).length === 0);
    }
    console.log(`12 runs at 85% of capacity: ${outcomes.filter((x) => !x).length} failed (stalls)`);
    expect(outcomes.some((x) => !x)).toBe(true);
    expect(outcomes.filter((x) => x).length).toBeGreaterThan(6);
  }, 60_000);
});
