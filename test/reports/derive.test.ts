/** Roofline arithmetic on a hand-computed example, and the predicted speedup formula. */
import { describe, expect, it } from 'vitest';
import type { MachineLimits } from '../../harness/results/machine-limits.ts';
import { attainableGflopPerS, boundOf, deriveFigures, ridgePointFlopPerByte } from '../../reports/derive.ts';
import { predictedSpeedup } from '../../reports/predict.ts';
import { runRows } from '../../reports/runs.ts';
import { makeResults } from '../fixtures/make-results.ts';

const LIMITS: MachineLimits = {
  schemaVersion: 1,
  fingerprint: 'test',
  measuredAt: '2026-01-01T00:00:00.000Z',
  machine: { cpuBrand: 'AMD EPYC', cores: 2, physicalCores: 2, memoryTotalBytes: 1, platform: 'linux', arch: 'x64', node: 'v20', gpus: [] },
  gemm: { runtime: 'ort', version: '1.30.0', threads: 2, measurements: [{ n: 2048, gflopPerS: 100, medianMs: 1, repetitions: 1 }], peakGflopPerS: 100, unavailableReason: null },
  bandwidth: { method: 'test', measurements: [{ kernel: 'copy', bufferBytes: 1, gbPerS: 20 }], peakGBPerS: 20 },
  gpuMemoryUtilisation: null,
  loadAverage1m: 0,
  measurementS: 1,
};
const ROOF = { peakGflopPerS: 100, peakGBPerS: 20 };

describe('roofline arithmetic', () => {
  it('ridge point = peak GFLOP/s / peak GB/s', () => {
    expect(ridgePointFlopPerByte(ROOF)).toBe(5);
  });

  it('attainable = min(peak, intensity x bandwidth) on both sides of the ridge', () => {
    expect(attainableGflopPerS(ROOF, 2)).toBe(40); // 2 FLOP/B x 20 GB/s
    expect(attainableGflopPerS(ROOF, 5)).toBe(100);
    expect(attainableGflopPerS(ROOF, 50)).toBe(100);
    expect(boundOf(ROOF, 2)).toBe('memory');
    expect(boundOf(ROOF, 5)).toBe('compute');
    expect(boundOf(ROOF, 50)).toBe('compute');
  });

  it('derives achieved rates, fractions and bound for one run', () => {
    const results = makeResults();
    const run = results.runs[0]!;
    // 2 GFLOP and 1 GB per request, 100 ms mean latency, 5 requests/s completed.
    run.cost = { flopsPerRequest: 2e9, bytesPerRequest: 1e9, weightBytesPerRequest: 0.9e9, activationBytesPerRequest: 0.1e9, arithmeticIntensity: 2, achievedGflopPerS: 10, achievedGBPerS: 5 };
    run.latencyUs.overall.meanUs = 100_000;
    run.throughput.requestsPerS = 5;
    const f = deriveFigures(runRows([{ path: 'x', results }])[0]!, LIMITS)!;
    expect(f.arithmeticIntensityFlopPerByte).toBe(2);
    expect(f.busyGflopPerS).toBeCloseTo(20, 12); // 2e9 FLOP / 0.1 s
    expect(f.busyGBPerS).toBeCloseTo(10, 12); // 1e9 B / 0.1 s
    expect(f.throughputGflopPerS).toBeCloseTo(10, 12); // 2 GFLOP x 5 req/s
    expect(f.throughputGBPerS).toBeCloseTo(5, 12);
    expect(f.busyFractionOfPeakGflop).toBeCloseTo(0.2, 12); // 20 / 100
    expect(f.busyFractionOfPeakBandwidth).toBeCloseTo(0.5, 12); // 10 / 20
    expect(f.fractionOfAttainable).toBeCloseTo(0.5, 12); // 20 / min(100, 2 x 20)
    expect(f.bound).toBe('memory');
    expect(f.gpuMemory).toMatch(/not available/);
  });

  it('leaves fractions and bound out without limits', () => {
    const results = makeResults();
    const f = deriveFigures(runRows([{ path: 'x', results }])[0]!, undefined)!;
    expect(f.busyFractionOfPeakGflop).toBeNull();
    expect(f.bound).toBeNull();
  });
});

describe('predicted speedup', () => {
  it('N T / (Tu + N Tg + Tg / 2k) for the small preset at N = 64', () => {
    // 64 x 16 / (8 + 64 x 8 + 8 / 8) = 1024 / 521
    expect(predictedSpeedup({ T: 16, Tu: 8, k: 4 }, 64, true)).toBeCloseTo(1024 / 521, 12);
    expect(predictedSpeedup({ T: 16, Tu: 8, k: 4 }, 64, false)).toBeCloseTo(1024 / 520, 12);
  });
});
