/** Machine limits: the one-node MatMul model runs on ORT, bandwidth kernels are sane, the cache round-trips. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { measureBandwidth } from '../../models/limits/bandwidth.ts';
import { limitsCacheDir, limitsPath, readCachedLimits, writeCachedLimits } from '../../models/limits/cache.ts';
import { fingerprintOf } from '../../models/limits/fingerprint.ts';
import { measureGemm } from '../../models/limits/gemm.ts';
import { machineLimits } from '../../models/limits/measure.ts';

/** Detected, never assumed: does nvidia-smi answer a memory query on this machine? */
function detectNvidiaSmi(): { ran: true } | { ran: false; reason: string } {
  try {
    execFileSync('nvidia-smi', ['--query-gpu=memory.total', '--format=csv,noheader,nounits'], { stdio: 'pipe', timeout: 5000 });
    return { ran: true };
  } catch (error) {
    return { ran: false, reason: `nvidia-smi did not answer (${(error as Error).message.split('\n')[0]})` };
  }
}
const nvidiaSmi = detectNvidiaSmi();

describe('machine limits', () => {
  it('measures a small MatMul on onnxruntime-node with the configured threads', async () => {
    const result = await measureGemm({ sizes: [128], threads: 1, budgetSPerSize: 0.2, maxRepetitions: 5 });
    expect(result.version).toMatch(/^\d+\.\d+/);
    expect(result.measurements).toHaveLength(1);
    expect(result.measurements[0]!.n).toBe(128);
    expect(result.measurements[0]!.gflopPerS).toBeGreaterThan(0.1);
  });

  it('bandwidth counts STREAM bytes: copy 16 B and triad 24 B per element', () => {
    // An injected clock advancing 1 ms per reading: every timed kernel takes exactly 1 ms.
    let t = 0n;
    const [copy, triad] = measureBandwidth({ bufferBytes: 8 * 1000, repetitions: 2, nowNs: () => (t += 1_000_000n) });
    expect(copy!.gbPerS).toBeCloseTo((16 * 1000) / 1e-3 / 1e9, 9);
    expect(triad!.gbPerS).toBeCloseTo((24 * 1000) / 1e-3 / 1e9, 9);
  });

  it('the fingerprint changes with threads and CPU, not with anything else', () => {
    const machine = { cpuBrand: 'AMD EPYC', cores: 2, physicalCores: 2, memoryTotalBytes: 1, platform: 'linux', arch: 'x64', node: 'v20', gpus: [] };
    expect(fingerprintOf(machine, '1.30.0', 2)).toBe(fingerprintOf({ ...machine, gpus: ['x'] }, '1.30.0', 2));
    expect(fingerprintOf(machine, '1.30.0', 2)).not.toBe(fingerprintOf(machine, '1.30.0', 1));
    expect(fingerprintOf(machine, '1.30.0', 2)).not.toBe(fingerprintOf({ ...machine, cpuBrand: 'Intel Xeon' }, '1.30.0', 2));
  });

  it('caches per fingerprint and measures again only when asked', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ugbench-limits-'));
    const options = { cacheDir: dir, threads: 1, gemmSizes: [128], bandwidthBufferBytes: 8 * 2 ** 20, loadAverage: () => 0 };
    const first = await machineLimits(options);
    expect(first.cached).toBe(false);
    expect(first.file).toBe(limitsPath(first.limits.fingerprint, dir));
    expect(first.limits.gemm.peakGflopPerS).toBeGreaterThan(0);
    expect(first.limits.bandwidth.peakGBPerS).toBeGreaterThan(0);
    if (nvidiaSmi.ran) {
      // a driver reading: the fraction of GPU memory in use
      expect(first.limits.gpuMemoryUtilisation).toMatchObject({ source: 'nvidia-smi' });
      expect(first.limits.gpuMemoryUtilisation!.usedFraction).toBeGreaterThanOrEqual(0);
      expect(first.limits.gpuMemoryUtilisation!.usedFraction).toBeLessThanOrEqual(1);
    } else {
      console.log(`GPU memory utilisation not available: ${nvidiaSmi.reason}`);
      expect(first.limits.gpuMemoryUtilisation).toBeNull(); // never a guess
    }
    expect(await readCachedLimits(first.file)).toEqual(first.limits);
    const second = await machineLimits(options);
    expect(second.cached).toBe(true);
    expect(second.limits).toEqual(first.limits);
    const third = await machineLimits({ ...options, remeasure: true });
    expect(third.cached).toBe(false);
  });

  it('stale cached limits are measured again (too old), or kept with the reason when measured under load on a machine still busy', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ugbench-limits-'));
    const options = { cacheDir: dir, threads: 1, gemmSizes: [128], bandwidthBufferBytes: 8 * 2 ** 20, loadAverage: () => 0 };
    const first = await machineLimits(options);
    const old = { ...first.limits, measuredAt: new Date(Date.now() - 40 * 86_400_000).toISOString() };
    await writeCachedLimits(first.file, old);
    const again = await machineLimits(options);
    expect(again.cached).toBe(false);
    expect(Date.parse(again.limits.measuredAt)).toBeGreaterThan(Date.parse(old.measuredAt));
    // measured under load: kept with the reason while the machine is still busy, measured again once it is quiet
    await writeCachedLimits(first.file, { ...again.limits, loadAverage1m: 1000 });
    const busy = await machineLimits({ ...options, loadAverage: () => 1000 });
    expect(busy.cached).toBe(true);
    expect(busy.problems[0]).toMatch(/^measured while the machine was loaded \(1-minute load average 1000\.00 on \d+ cores\)$/);
    const quiet = await machineLimits({ ...options, loadAverage: () => 0 });
    expect(quiet.cached).toBe(false);
    expect(quiet.limits.loadAverage1m).toBe(0);
    expect(quiet.problems.filter((p) => p.includes('loaded'))).toEqual([]);
  });

  it('the cache lives in UGBENCH_CACHE_DIR, else XDG_CACHE_HOME/ugbench, else ~/.cache/ugbench', () => {
    expect(limitsCacheDir({ UGBENCH_CACHE_DIR: '/a' })).toBe('/a');
    expect(limitsCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(path.join('/x', 'ugbench'));
    expect(limitsCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'ugbench'));
  });
});
