/**
 * `ugbench limits` through the CLI: with a cache seeded for this machine's fingerprint (small
 * sizes, so the test is quick; the measuring path is test/models/limits.test.ts), the command
 * reports the cached limits as JSON and as a summary naming the cache file; bad flags exit 104.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MachineLimits } from '../../harness/results/machine-limits.ts';
import { machineLimits, type LimitsOutcome } from '../../models/limits/measure.ts';
import { runCli } from '../cli/run-cli.ts';

const cacheDir = mkdtempSync(join(os.tmpdir(), 'ugbench-e2e-limits-'));
const env = { UGBENCH_CACHE_DIR: cacheDir };
let seeded: LimitsOutcome;

beforeAll(async () => {
  // the CLI's default threads (all cores), so the fingerprint and cache file are the ones it reads
  seeded = await machineLimits({ cacheDir, threads: os.availableParallelism(), gemmSizes: [128], bandwidthBufferBytes: 8 * 2 ** 20, loadAverage: () => 0 }); // recorded as quiet: the CLI keeps it whatever the load now
});

describe('ugbench limits', () => {
  it('--json prints the cached limits of this machine, fields as measured', () => {
    const r = runCli(['limits', '--json'], { env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const limits = JSON.parse(r.stdout) as MachineLimits;
    expect(limits).toEqual(seeded.limits);
    expect(limits.machine.cores).toBe(os.availableParallelism());
    expect(limits.gemm.threads).toBe(os.availableParallelism());
    expect(limits.gemm.measurements.map((m) => m.n)).toEqual([128]);
    expect(limits.gemm.peakGflopPerS).toBe(Math.max(...limits.gemm.measurements.map((m) => m.gflopPerS)));
    expect(limits.bandwidth.peakGBPerS).toBeGreaterThan(0);
  });

  it('the summary says the limits came from the cache and names the file', () => {
    const r = runCli(['limits'], { env });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(seeded.file);
    expect(r.stdout).toContain(seeded.limits.fingerprint);
  });

  it('--threads 0 is bad input: exit 104', () => {
    const r = runCli(['limits', '--threads', '0'], { env });
    expect(r.status).toBe(104);
    expect(r.stderr).toMatch(/threads/);
  });
});
