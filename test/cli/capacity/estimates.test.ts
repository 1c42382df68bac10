/**
 * Capacity from recorded (synthetic) sweep data: the tiny model's series are overhead-bound, so
 * the RankMixer estimates are refused with the reason; on `small` (service close to its roofline
 * time) they are printed, labelled as estimates with the roofline assumption. The self-check flags
 * a peak that disagrees with instances / mean service. Limits and service times are recorded
 * facts here, chosen like this machine's (GEMM 12.8 GFLOP/s on 2 threads, 5 GB/s).
 */
import { describe, expect, it } from 'vitest';
import { buildCapacityReport, type CapacityOptions } from '../../../cli/capacity/build.ts';
import { capacityMarkdown } from '../../../cli/capacity/markdown.ts';
import { costPerRequest } from '../../../cli/capacity/model-of.ts';
import type { RunResult } from '../../../harness/results/contract.ts';
import type { MachineLimits } from '../../../harness/results/machine-limits.ts';
import type { SweepResults, SweepSeries } from '../../../harness/results/sweep/results.ts';
import { PRESETS } from '../../../models/presets.ts';
import { TEST_MACHINE } from '../../fixtures/machine.ts';
import { makeRun } from '../../harness/results/results-fixture.ts';

const LIMITS = {
  gemm: { runtime: 'onnxruntime-node', version: 'test', threads: 2, measurements: [], peakGflopPerS: 12.8, unavailableReason: null },
  bandwidth: { method: 'test', measurements: [], peakGBPerS: 5 },
} as unknown as MachineLimits;
const CANDIDATES = 64;

/** One run at `rateQps` whose requests each took `serviceUs` of service and `latencyUs` end to end. */
function run(preset: 'tiny' | 'small', variant: 'baseline' | 'ugsep', rateQps: number, serviceUs: number, latencyUs: number): RunResult {
  const base = makeRun({ variant, runtime: 'ort-cpu', latenciesUs: Array<number>(400).fill(latencyUs), rps: rateQps, meanCandidates: CANDIDATES });
  const cost = costPerRequest(PRESETS[preset].config, variant, CANDIDATES, 0);
  const service = { count: 400, minUs: serviceUs, meanUs: serviceUs, p50Us: serviceUs, p90Us: serviceUs, p99Us: serviceUs, p999Us: serviceUs, maxUs: serviceUs };
  return {
    ...base,
    runtime: { ...base.runtime, threads: 2, instances: 1, details: { model: preset } },
    sutTimingsUs: { service },
    cost: { flopsPerRequest: cost.flopsPerRequest, bytesPerRequest: cost.bytesPerRequest, weightBytesPerRequest: cost.weightBytes, activationBytesPerRequest: 0, arithmeticIntensity: 0, achievedGflopPerS: 0, achievedGBPerS: 0 },
  };
}

/** A series measured at 50%, 80% (both sustained) and 120% (p99 over the SLO) of 1 / service. */
function series(preset: 'tiny' | 'small', variant: 'baseline' | 'ugsep', serviceUs: number, sloMs: number): SweepSeries {
  const capacity = 1e6 / serviceUs;
  const rates = [0.5, 0.8, 1.2].map((f) => f * capacity);
  const steps = rates.flatMap((rate, i) => [0, 1, 2].map((repeat) => ({ targetQps: rate, sustainable: i < 2, reasons: [], repeat, run: run(preset, variant, rate, serviceUs, i < 2 ? serviceUs * 2 : sloMs * 3000) })));
  return { id: `${variant}@ort-cpu`, variant, runtime: 'ort-cpu', peakQps: rates[1]!, firstUnsustainableQps: rates[2]!, stopped: 'converged', steps, model: preset, modelConfig: '' };
}

function sweep(preset: 'tiny' | 'small', services: { baseline: number; ugsep: number }, sloMs: number): SweepResults {
  return {
    kind: 'ugbench-sweep',
    schemaVersion: 2,
    createdAt: '2026-12-01T00:00:00Z',
    sloP99Ms: sloMs,
    scenario: { path: null, name: preset, effective: {} },
    git: { commit: null, dirty: null },
    machine: { ...TEST_MACHINE, memory: { totalBytes: 64 * 2 ** 30 } },
    packages: {},
    series: [series(preset, 'baseline', services.baseline, sloMs), series(preset, 'ugsep', services.ugsep, sloMs)],
    limits: LIMITS,
  };
}

const options = (sloP99Ms: number): CapacityOptions => ({ peakQps: 1000, sloP99Ms, hitRates: [0], headroom: 0.3, replicaCostPerHour: 1, activeUsers: null });

describe('capacity: RankMixer estimates', () => {
  it('tiny: refused, each with the overhead-bound reason, and no replica count printed for them', () => {
    // the tiny model at ~1 ms per request: ~100x its roofline time (0.14 MFLOP at 12.8 GFLOP/s)
    const report = buildCapacityReport(sweep('tiny', { baseline: 1200, ugsep: 700 }, 50), options(50));
    expect(report.estimates.estimates).toEqual([]);
    expect(report.estimates.refusals).toHaveLength(4);
    for (const r of report.estimates.refusals) expect(r.reason).toMatch(/overhead-bound: its mean service \d+\.\d+ ms is \d+x its roofline time/);
    const md = capacityMarkdown(report);
    expect(md).toMatch(/rankmixer-100m baseline, rankmixer-1b baseline: refused\. baseline@ort-cpu is overhead-bound/);
    expect(md).not.toMatch(/\(estimate\)/);
  });

  it('small: printed as estimates with the roofline assumption; the roof bound is never worse than the estimate', () => {
    // small near its roof: baseline 2.16 GFLOP -> 169 ms at the roof, measured 220 ms; ugsep 1.10 GFLOP, 110 ms
    const report = buildCapacityReport(sweep('small', { baseline: 220_000, ugsep: 110_000 }, 20_000), options(20_000));
    expect(report.estimates.refusals).toEqual([]);
    expect(report.estimates.estimates.map((e) => `${e.preset} ${e.variant}`)).toEqual(['rankmixer-100m baseline', 'rankmixer-100m ugsep', 'rankmixer-1b baseline', 'rankmixer-1b ugsep']);
    for (const e of report.estimates.estimates) {
      expect(e.estimate.efficiency).toBeGreaterThan(0.2);
      expect(e.estimate.bestServiceUs).toBeLessThanOrEqual(e.estimate.serviceUs);
      expect(e.planAtBound.replicas).toBeLessThanOrEqual(e.plan.replicas);
      // the estimate scales service by the cost model's FLOP ratio when compute-bound
      const measured = report.series.find((s) => s.variant === e.variant)!;
      const flopRatio = e.flopsPerRequest / measured.service.flopsPerRequest!;
      console.log(`${e.preset} ${e.variant}: service ${(e.estimate.serviceUs / 1000).toFixed(0)} ms (roof ${(e.estimate.bestServiceUs / 1000).toFixed(0)} ms), FLOP ratio ${flopRatio.toFixed(1)}, ${e.plan.replicas} replicas (at least ${e.planAtBound.replicas})`);
      expect(e.estimate.serviceUs / measured.service.meanServiceUs!).toBeCloseTo(flopRatio, 0);
    }
    const md = capacityMarkdown(report);
    expect(md).toMatch(/\| rankmixer-100m \| ugsep \| ugsep@ort-cpu \|/);
    expect(md).toContain('(estimate)');
    expect(md).toMatch(/Assumption: Estimates, not measurements: per request, time = max\(FLOPs \/ GEMM peak, bytes \/ bandwidth\)/);
  });

  it('small under an SLO shorter than one estimated request: refused with that reason', () => {
    const report = buildCapacityReport(sweep('small', { baseline: 220_000, ugsep: 110_000 }, 500), options(500));
    expect(report.estimates.estimates).toEqual([]);
    for (const r of report.estimates.refusals) expect(r.reason).toMatch(/request alone is estimated at .* > SLO 500 ms/);
  });

  it('no roofline recorded with the sweep: refused, naming `ugbench limits`', () => {
    const s = sweep('small', { baseline: 220_000, ugsep: 110_000 }, 20_000);
    delete s.limits;
    const report = buildCapacityReport(s, options(20_000));
    expect(report.estimates.refusals.every((r) => r.reason.includes('ugbench limits'))).toBe(true);
  });
});

describe('capacity: the report checks itself', () => {
  it('a peak that agrees with instances / mean service is ok; one far below it is flagged DISAGREE in the table and the notes', () => {
    const s = sweep('small', { baseline: 220_000, ugsep: 110_000 }, 20_000);
    const agree = buildCapacityReport(s, options(20_000));
    expect(agree.series.every((x) => x.consistency?.agrees === true)).toBe(true); // knee at 80%
    // the same runs, but the service timer reported 10x less than the latency allows
    const slow = structuredClone(s);
    for (const step of slow.series[1]!.steps) step.run.sutTimingsUs!.service!.meanUs /= 10;
    const r = buildCapacityReport(slow, options(20_000));
    const ugsep = r.series.find((x) => x.variant === 'ugsep')!;
    expect(ugsep.consistency!.agrees).toBe(false);
    expect(ugsep.consistency!.kneeUtilisation).toBeCloseTo(0.08, 2);
    const md = capacityMarkdown(r);
    expect(md).toMatch(/\| ugsep@ort-cpu \| i1-t2 \|.*\| DISAGREE \|/);
    expect(md).toMatch(/- ugsep@ort-cpu: DISAGREE: peak .*knee at 8% of it/);
  });

  it('the recommendation comes first and names the variant with the fewest replicas', () => {
    const md = capacityMarkdown(buildCapacityReport(sweep('small', { baseline: 220_000, ugsep: 110_000 }, 20_000), options(20_000)));
    const order = ['## Recommendation', '## Replicas per variant', '## p99 against offered load', '## Method'].map((h) => md.indexOf(h));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(md).toMatch(/\*\*Serve ugsep with i1-t2: \d+ replicas\*\*/);
  });
});
