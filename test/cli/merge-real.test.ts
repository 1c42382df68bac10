/**
 * Issue 9 end to end: `--shard 0/2` and `--shard 1/2` as two processes on this machine, merged
 * through the CLI, against a single-process run of the same plan; and `--workers 2`. Short runs
 * on the tiny model with the reference runtime. Totals must match exactly; latencies are not
 * compared (two processes share 2 cores).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../harness/loadgen/histogram.ts';
import type { BenchResults } from '../../harness/results/contract.ts';
import { defaultScenarioWithP50, runCli } from './run-cli.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/ugbench.mjs');
// ~60 requests per run support a p50 objective, not the default scenario's p95 (90 needed)
const COMMON = ['bench', defaultScenarioWithP50(mkdtempSync(join(tmpdir(), 'ugbench-shards-scenario-'))), '--runtime', 'reference', '--variants', 'ugsep', '--duration', '1.5', '--warmup', '0.3', '--rate', '40', '--min-queries', '10', '--no-progress', '--no-report', '--no-limits'];

function runAsync(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stderr }));
  });
}

const read = (file: string): BenchResults => JSON.parse(readFileSync(file, 'utf8')) as BenchResults;

describe('sharded bench through the CLI', () => {
  it('two shard processes merged give a valid result whose totals equal one process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ugbench-shards-'));
    // One after the other: three processes at once on 2 cores make the runs late and flaky.
    const single = await runAsync([...COMMON, '--out', join(dir, 'single')]);
    const s0 = await runAsync([...COMMON, '--shard', '0/2', '--out', join(dir, 's0')]);
    const s1 = await runAsync([...COMMON, '--shard', '1/2', '--out', join(dir, 's1')]);
    for (const r of [single, s0, s1]) expect(r.stderr).not.toContain('crashed');
    const merged = runCli(['merge', join(dir, 's0', 'results.json'), join(dir, 's1', 'results.json'), '--out', join(dir, 'merged'), '--no-report']);
    expect(merged.stderr).toBe('');
    expect(merged.status).toBe(0);

    const one = read(join(dir, 'single', 'results.json'));
    const shards = [read(join(dir, 's0', 'results.json')), read(join(dir, 's1', 'results.json'))];
    const all = read(join(dir, 'merged', 'results.json'));
    expect(shards.map((s) => s.shard)).toEqual([{ index: 0, count: 2 }, { index: 1, count: 2 }]);
    expect(shards[0]!.planDigest).toBe(shards[1]!.planDigest);
    expect(all.status).toBe('valid');
    expect(all.plan).toEqual(one.plan); // same arrivals, users, candidates between them
    const [a, b] = [one.runs[0]!, all.runs[0]!];
    expect(b.counts.planned).toBe(a.counts.planned);
    // nothing dropped on either side at this rate, so every planned request completed on both
    expect(b.counts.completed + b.counts.dropped + b.counts.errored).toBe(a.counts.completed + a.counts.dropped + a.counts.errored);
    expect(decodeHistogram(b.histograms.overall).totalCount).toBe(b.counts.completed);
    // unlimited-enough cache, users kept on one shard: the same hits and misses as one process
    expect(b.userCache.hits + b.userCache.misses).toBe(a.userCache.hits + a.userCache.misses);
    expect(b.observedHitRate).toBeCloseTo(a.observedHitRate!, 10);
  });

  it('--workers 2 runs the shards in worker threads and writes shard files and the merged results', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ugbench-workers-'));
    const r = runCli([...COMMON, '--workers', '2', '--out', dir]);
    expect(r.stderr).not.toContain('crashed');
    expect(r.status).toBe(0);
    expect(readdirSync(join(dir, 'shards')).sort()).toEqual(['shard-0-of-2.json', 'shard-1-of-2.json']);
    const all = read(join(dir, 'results.json'));
    expect(all.merged?.count).toBe(2);
    expect(all.merged?.missing).toEqual([]);
    expect(all.runs[0]!.counts.planned).toBe(all.plan.measuredArrivals);
  });
});
