/** Roofline arithmetic on a hand-computed example, and the predicted speedup formula. */
import { describe, expect, it } from 'vitest';
import { gemmRepeatSpread, limitsTrustProblems, type MachineLimits } from '../../harness/results/machine-limits.ts';
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

  it('weights that fit in a cache stream at the curve\'s bandwidth for their working set, larger ones at DRAM\'s', () => {
    // ORT matrix-vector points: 32 MiB at 50 GB/s, 128 MiB at 30 GB/s (the largest point serves anything larger)
    const curve: MachineLimits = {
      ...LIMITS,
      bandwidth: { ...LIMITS.bandwidth, measurements: [{ kernel: 'ort-matvec', bufferBytes: 32 * 2 ** 20, gbPerS: 50 }, { kernel: 'ort-matvec', bufferBytes: 128 * 2 ** 20, gbPerS: 30 }] },
    };
    const at = (weightBytes: number) => {
      const results = makeResults();
      const run = results.runs[0]!;
      run.cost = { flopsPerRequest: 2e8, bytesPerRequest: weightBytes * 1.1, weightBytesPerRequest: weightBytes, activationBytesPerRequest: weightBytes * 0.1, arithmeticIntensity: 2e8 / (weightBytes * 1.1), achievedGflopPerS: 1, achievedGBPerS: 1 };
      run.latencyUs.overall.meanUs = 10_000;
      return deriveFigures(runRows([{ path: 'x', results }])[0]!, curve)!;
    };
    const small = at(68e6); // past the 32 MiB point, below the 128 MiB one
    const large = at(1e9);
    const tiny = at(1e6); // below every point: the fastest
    expect(small.streamingGBPerS).toBe(50);
    expect(large.streamingGBPerS).toBe(30);
    expect(tiny.streamingGBPerS).toBe(50);
    // busy 7.48 GB/s against 50, not against DRAM's 20
    expect(small.busyFractionOfPeakBandwidth).toBeCloseTo(68e6 * 1.1 / 0.01 / 1e9 / 50, 12);
    expect(small.fractionOfAttainable).toBeCloseTo(20 / Math.min(100, (2e8 / (68e6 * 1.1)) * 50), 12);
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

describe('the int8 roof and runs above their roof', () => {
  const withInt8Peak: MachineLimits = { ...LIMITS, gemm: { ...LIMITS.gemm, int8PeakGopPerS: 250 } };
  /** one run at 2 FLOP/B (memory side), busy rate set by its mean latency */
  const row = (variant: string, meanUs: number): ReturnType<typeof runRows>[number] => {
    const results = makeResults();
    const run = results.runs[0]!;
    run.variant = variant;
    run.cost = { flopsPerRequest: 2e9, bytesPerRequest: 1e9, weightBytesPerRequest: 0.9e9, activationBytesPerRequest: 0.1e9, arithmeticIntensity: 2, achievedGflopPerS: 10, achievedGBPerS: 5 };
    run.latencyUs.overall.meanUs = meanUs;
    return runRows([{ path: 'x', results }])[0]!;
  };

  it('an int8-weight run is held to the int8 GEMM ceiling on the compute side, an fp32 run to the fp32 one', () => {
    const compute = (variant: string): ReturnType<typeof deriveFigures> => {
      const r = row(variant, 10_000);
      r.run.cost = { ...r.run.cost!, bytesPerRequest: 2e7 }; // 100 FLOP/B: compute side of both ridges
      return deriveFigures(r, withInt8Peak);
    };
    const int8 = compute('ugsep-w8a16')!;
    const fp32 = compute('ugsep')!;
    expect(int8.roof).toBe('int8');
    expect(fp32.roof).toBe('fp32');
    // 2e9 FLOP / 10 ms = 200 GFLOP/s: 80% of the int8 roof (250), 200% of the fp32 roof (100)
    expect(int8.fractionOfAttainable).toBeCloseTo(0.8, 12);
    expect(int8.limitsDoubt).toBeNull();
    expect(fp32.fractionOfAttainable).toBeCloseTo(2, 12);
    expect(fp32.limitsDoubt).toMatch(/^limits not trustworthy: the run is at 200% of its roofline/);
  });

  it('a run more than 10% above its roof is flagged with the reason; at 105% it is not', () => {
    // attainable at 2 FLOP/B = 40 GFLOP/s; 2e9 FLOP at mean latency t -> 2e9 / t
    const at = (fraction: number): ReturnType<typeof deriveFigures> => deriveFigures(row('ugsep', 2e9 / (40e9 * fraction) * 1e6), LIMITS);
    expect(at(1.05)!.limitsDoubt).toBeNull();
    const flagged = at(4.24)!;
    console.log(`flagged: ${flagged.limitsDoubt}`);
    expect(flagged.limitsDoubt).toMatch(/limits not trustworthy: the run is at 424% of its roofline \(more than 10% above it\)/);
    // LIMITS were measured on 2026-01-01, more than 30 days before any run of this test: the reason says so
    expect(flagged.limitsDoubt).toMatch(/measured \d+ days ago, more than 30 days/);
  });
});

describe('limitsTrustProblems', () => {
  const now = Date.parse('2026-01-02T00:00:00.000Z');
  it('fresh limits measured on a quiet machine with tight repetitions have none', () => {
    expect(limitsTrustProblems({ ...LIMITS, gemm: { ...LIMITS.gemm, repeatSpread: 0.05 }, bandwidth: { ...LIMITS.bandwidth, repeatSpread: 0.02 } }, now)).toEqual([]);
  });
  it('old, loaded or spread-out measurements each say why', () => {
    expect(limitsTrustProblems(LIMITS, Date.parse('2026-03-01T00:00:00.000Z'))).toEqual(['measured 59 days ago, more than 30 days']);
    expect(limitsTrustProblems({ ...LIMITS, loadAverage1m: 5.1 }, now)).toEqual(['measured while the machine was loaded (1-minute load average 5.10 on 2 cores)']);
    expect(limitsTrustProblems({ ...LIMITS, loadAverage1m: 0.2, loadAverage1mAfter: 3 }, now)).toHaveLength(1);
    expect(limitsTrustProblems({ ...LIMITS, gemm: { ...LIMITS.gemm, repeatSpread: 0.6 } }, now)).toEqual(['GEMM repetitions spread 60% (more than 25%: the machine was busy)']);
    expect(limitsTrustProblems({ ...LIMITS, measuredAt: 'yesterday' }, now)[0]).toMatch(/unreadable time/);
  });
  it('a bandwidth matrix not well beyond the last-level cache says so (a 256 MiB matrix on a 480 MiB L3); 4x the cache does not', () => {
    const fresh = { ...LIMITS, gemm: { ...LIMITS.gemm, repeatSpread: 0.05 } };
    const withMatrix = (mib: number): MachineLimits => ({ ...fresh, bandwidth: { ...LIMITS.bandwidth, repeatSpread: 0.02, lastLevelCacheBytes: 480 * 2 ** 20, measurements: [{ kernel: 'ort-matvec', bufferBytes: mib * 2 ** 20, gbPerS: 27 }] } });
    expect(limitsTrustProblems(withMatrix(256), now)).toEqual(['the bandwidth matrix (256 MiB) is not well beyond the 480 MiB last-level cache, so the memory slope may be a cache figure']);
    expect(limitsTrustProblems(withMatrix(1920), now)).toEqual([]);
  });
  it('the repeat spread of a GEMM measurement: median over best time, minus 1', () => {
    // n = 1000: 2e9 FLOP; best at 100 GFLOP/s = 20 ms; median 30 ms -> 0.5
    expect(gemmRepeatSpread({ n: 1000, gflopPerS: 100, medianMs: 30, repetitions: 5 })).toBeCloseTo(0.5, 12);
  });
});
