import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../harness/loadgen/histogram.ts';
import { mergeShardResults } from '../../harness/results/merge/merge-results.ts';
import type { BenchResults } from '../../harness/results/contract.ts';
import { Rng } from '../../harness/rng.ts';
import { parseScenario } from '../../harness/scenario/load.ts';
import { lognormalUs, makeResults, makeRun } from '../harness/results/results-fixture.ts';
import { runCli } from './run-cli.ts';

const scenario = parseScenario(
  { name: 'merge-test', seed: 5, traffic: { arrivals: { process: 'poisson', rateQps: 100 } }, run: { warmupS: 0, durationS: 1, minQueries: 100 }, thresholds: ['p99_ms{variant=ugsep} < 1000'] },
  'test',
);

/** A shard file with known latencies: the shards of one run differ in their latency mixes. */
function shard(index: number, count: number, latenciesUs: number[], extra: Partial<BenchResults> = {}): BenchResults {
  const results = makeResults([makeRun({ variant: 'ugsep', latenciesUs, rps: latenciesUs.length })], { name: scenario.name });
  return { ...results, scenario: { path: null, name: scenario.name, effective: scenario }, shard: { index, count }, planDigest: 'sha256:test', ...extra };
}

function pooledPercentile(values: number[], p: number): number {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  for (const v of values) h.recordValue(Math.max(1, Math.round(v)));
  return h.getValueAtPercentile(p);
}

function writeShards(files: BenchResults[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ugbench-merge-'));
  return files.map((r, i) => {
    const path = join(dir, `shard-${i}.json`);
    writeFileSync(path, JSON.stringify(r));
    return path;
  });
}

describe('merging shard results', () => {
  const rng = new Rng('merge');
  // three shards with very different latency distributions: averaging their percentiles would be far off
  const lat = [lognormalUs(rng, 4000, 2000), lognormalUs(rng, 1000, 9000), lognormalUs(rng, 300, 40_000)];
  const pooled = lat.flat();

  it('adds histograms exactly: the merged count and percentiles equal the pooled raw latencies', () => {
    const merged = mergeShardResults(lat.map((l, i) => ({ source: `s${i}`, results: shard(i, 3, l) })));
    const run = merged.runs[0]!;
    expect(run.counts.completed).toBe(pooled.length);
    expect(decodeHistogram(run.histograms.overall).totalCount).toBe(pooled.length);
    const precision = (v: number) => Math.max(1, v * 1e-3); // 3 significant digits
    for (const [p, key] of [[50, 'p50Us'], [90, 'p90Us'], [99, 'p99Us'], [99.9, 'p999Us']] as const) {
      expect(Math.abs(run.latencyUs.overall[key] - pooledPercentile(pooled, p))).toBeLessThanOrEqual(precision(run.latencyUs.overall[key]));
    }
    const sorted = [...pooled].sort((a, b) => a - b);
    const exactP99 = sorted[Math.ceil(0.99 * sorted.length) - 1]!;
    expect(Math.abs(run.latencyUs.overall.p99Us - exactP99) / exactP99).toBeLessThan(2e-3);
    // averaging the shards' p99s would have been wrong by far more than the precision
    const averaged = lat.map((l) => pooledPercentile(l, 99)).reduce((a, b) => a + b, 0) / 3;
    expect(Math.abs(averaged - exactP99) / exactP99).toBeGreaterThan(0.2);
    expect(merged.status).toBe('valid');
    expect(merged.merged).toMatchObject({ count: 3, missing: [] });
    expect(merged.shard).toBeUndefined();
  });

  it('re-judges validity on the totals: shards short of minQueries alone merge into a valid run', () => {
    const small = [lognormalUs(rng, 60, 1000), lognormalUs(rng, 60, 1000)];
    const parts = small.map((l, i) => {
      const r = shard(i, 2, l);
      r.runs[0]!.validity = { status: 'invalid', reasons: ['completed queries: expected >= 100, got 60'] };
      return { source: `s${i}`, results: r };
    });
    const merged = mergeShardResults(parts);
    expect(merged.runs[0]!.counts.completed).toBe(120);
    expect(merged.runs[0]!.validity).toEqual({ status: 'valid', reasons: [] });
  });

  it('refuses a shard given twice, mixed scenarios, seeds and shard counts, naming the files (exit 104)', () => {
    const [a, b] = writeShards([shard(0, 2, lat[0]!), shard(0, 2, lat[1]!)]);
    const twice = runCli(['merge', a!, b!, '--no-report']);
    expect(twice.status).toBe(104);
    expect(twice.stderr).toContain(`shard 0/2 given 2 times: ${a}, ${b}`);

    // the rest in process: same checks, without a CLI start-up each
    const other = { ...scenario, traffic: { ...scenario.traffic, arrivals: { process: 'poisson' as const, rateQps: 200 } } };
    const merge = (files: BenchResults[]) => () => mergeShardResults(files.map((results, i) => ({ source: `s${i}.json`, results })));
    expect(merge([shard(0, 2, lat[0]!), shard(1, 2, lat[1]!, { scenario: { path: null, name: scenario.name, effective: other } })])).toThrow(
      'scenario differs at traffic.arrivals.rateQps: s0.json has 100, s1.json has 200',
    );
    expect(merge([shard(0, 2, lat[0]!), shard(1, 2, lat[1]!, { scenario: { path: null, name: 'ads', effective: other } })])).toThrow('scenario differs: s0.json ran "merge-test", s1.json ran "ads"');
    const seedAndCount = merge([shard(0, 2, lat[0]!), shard(1, 3, lat[1]!, { seeds: { scenario: 6, plan: 6, weights: 6, requests: 6 } })]);
    expect(seedAndCount).toThrow('shard count differs: s0.json is shard 0/2, s1.json is shard 1/3');
    expect(seedAndCount).toThrow('seed differs: s0.json has seed 1, s1.json has seed 6');
    expect(merge([shard(0, 2, lat[0]!), shard(1, 2, lat[1]!, { planDigest: 'sha256:other' })])).toThrow('traffic plan differs');
    const whole = shard(1, 2, lat[1]!);
    delete whole.shard;
    expect(merge([shard(0, 2, lat[0]!), whole])).toThrow('s1.json: not a shard');
  });

  it('makes a merge with a missing shard INVALID (exit 98), not silently smaller', () => {
    const [a, c] = writeShards([shard(0, 3, lat[0]!), shard(2, 3, lat[2]!)]);
    const out = mkdtempSync(join(tmpdir(), 'ugbench-merged-'));
    const r = runCli(['merge', a!, c!, '--out', out, '--no-report']);
    expect(r.status).toBe(98);
    expect(r.stdout).toContain('MISSING: 1/3');
    const merged = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    expect(merged.status).toBe('invalid');
    expect(merged.merged?.missing).toEqual([1]);
    expect(merged.runs[0]!.validity.reasons).toContain("shard 1/3 missing: its users' traffic is not in these totals");
  });

  it('writes the merged results and evaluates the scenario gates once on them (exit 0)', () => {
    const paths = writeShards(lat.map((l, i) => shard(i, 3, l)));
    const out = mkdtempSync(join(tmpdir(), 'ugbench-merged-'));
    const r = runCli(['merge', ...paths, '--out', out, '--no-report']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('thresholds on the merged data: 1/1 passed');
    const merged = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    expect(merged.runs[0]!.counts.completed).toBe(pooled.length);
  });
});
