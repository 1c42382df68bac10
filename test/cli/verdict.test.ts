/**
 * One judge in every mode: the same scenario with a failing threshold exits 99 and prints the
 * failing line from a plain bench, from `--workers 2` and from `--shard` + `merge`; a missed SLO
 * exits 99; a passing threshold exits 0 (the control). Short runs of the tiny model on the
 * reference runtime.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../../harness/results/contract.ts';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'ugbench-verdict-'));
const FAILING = 'p99_ms{variant=ugsep} < 0.001';

function scenario(name: string, extra: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
seed: 7
model: { preset: tiny }
variants: [ugsep]
runtimes: [{ name: reference }]
traffic:
  users: { size: 200, distribution: zipf }
  candidates: { distribution: fixed, count: 8 }
  arrivals: { process: poisson, rateQps: 40 }
run: { warmupS: 0.3, durationS: 1.5, minQueries: 10 }
${extra}
`,
  );
  return file;
}

const BENCH = ['--no-progress', '--no-report', '--no-limits'];

describe('every mode judges the same way', () => {
  const failing = scenario('failing-threshold', `thresholds: ["${FAILING}", "completed{variant=ugsep} > 0"]`);

  it('plain bench: exit 99 and the failing line', () => {
    const r = runCli(['bench', failing, ...BENCH, '--out', join(dir, 'plain')]);
    expect(r.stderr).not.toContain('crashed');
    expect(r.stdout).toMatch(new RegExp(`FAIL +${FAILING.replace(/[{}()]/g, '\\$&')}`));
    expect(r.stdout).toMatch(/PASS +completed\{variant=ugsep\} > 0/);
    expect(r.status).toBe(99);
    const results = JSON.parse(readFileSync(join(dir, 'plain', 'results.json'), 'utf8')) as BenchResults;
    expect(results.scenario.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(results.runs[0]!.model?.config['T']).toBeGreaterThan(0);
    expect(results.runs[0]!.model?.traits['masked']).toBe(true);
    expect(results.runs[0]!.model?.weightsSha256).toBeNull(); // seeded weights
  });

  it('bench --workers 2: exit 99 and the failing line', () => {
    const r = runCli(['bench', failing, ...BENCH, '--workers', '2', '--out', join(dir, 'workers')]);
    expect(r.stdout).toContain(`FAIL  ${FAILING}`);
    expect(r.status).toBe(99);
  });

  it('bench --shard i/2 + merge: shards defer thresholds (exit 0), the merge exits 99 with the failing line', () => {
    for (const i of [0, 1]) {
      const s = runCli(['bench', failing, ...BENCH, '--shard', `${i}/2`, '--out', join(dir, `s${i}`)]);
      expect(s.stdout).toContain('judged on the merged data');
      expect(s.status).toBe(0);
    }
    const m = runCli(['merge', join(dir, 's0', 'results.json'), join(dir, 's1', 'results.json'), '--no-report', '--out', join(dir, 'merged')]);
    expect(m.stdout).toContain(`FAIL  ${FAILING}`);
    expect(m.status).toBe(99);
  });

  it('a missed SLO exits 99 and says why; the same run with a reachable SLO exits 0', () => {
    const missed = runCli(['bench', scenario('missed-slo', 'slo: { p99Ms: 0.001 }'), ...BENCH, '--out', join(dir, 'slo')]);
    expect(missed.stdout).toMatch(/SLO missed: p99 [\d.]+ ms > SLO 0.001 ms/);
    expect(missed.status).toBe(99);
    // p50 needs 7 requests for a 99% bound: 1.5 s at 40 req/s supports it
    const met = runCli(['bench', scenario('met-slo', 'slo: { p50Ms: 60000 }'), ...BENCH, '--out', join(dir, 'slo-met')]);
    expect(met.stdout).toContain('met-slo: PASS (exit 0)');
    expect(met.status).toBe(0);
  });

  it('a p99 SLO met on ~60 requests is not a pass: INVALID (exit 98), saying it needs 459', () => {
    const few = runCli(['bench', scenario('few-for-p99', 'slo: { p99Ms: 60000 }'), ...BENCH, '--out', join(dir, 'slo-few')]);
    expect(few.stdout).toMatch(/SLO p99 <= 60000 ms passed on p99 n=\d+: too few, needs 459/);
    expect(few.stdout).toContain('few-for-p99: INVALID (exit 98)');
    expect(few.status).toBe(98);
  });
});
