/**
 * Change-point detection on synthetic 40-commit histories: a p50 of 1000 µs with log-normal
 * noise of sd 3% per commit. A planted +15% step at commit 25 must be found at commit 25 (in
 * every one of 10 seeds); a flat history must show no change (in every one of 10 seeds). Method
 * defaults: window 10, p < 0.001, >= 3 points per side. The newest commit alone is caught when
 * it jumps, and a store whose newest commit regressed exits 99 through the CLI.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../harness/rng.ts';
import { findChangePoints } from '../../../../harness/results/history/change-points.ts';
import { checkHistory } from '../../../../harness/results/history/check.ts';
import { HISTORY_SCHEMA_VERSION, type HistoryRecord } from '../../../../harness/results/history/store.ts';
import { runCli } from '../../../cli/run-cli.ts';

const COMMITS = 40;
const NOISE_SD = 0.03;

function series(seed: number, stepAt: number | undefined, step: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: COMMITS }, (_, i) => 1000 * (stepAt !== undefined && i >= stepAt ? 1 + step : 1) * Math.exp(NOISE_SD * rng.normal()));
}

function records(values: readonly number[]): HistoryRecord[] {
  return values.map((p50Us, i) => ({
    schemaVersion: HISTORY_SCHEMA_VERSION,
    commit: `c${String(i).padStart(2, '0')}`,
    dirty: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    labels: {},
    status: 'valid',
    scenario: { name: 'synthetic', hash: 'feedfacefeedface' },
    machine: 'test',
    runs: [{ id: 'ugsep@ort-cpu', completed: 1000, p50Us, p90Us: p50Us * 2, p99Us: p50Us * 4, requestsPerS: 100, histogram: '' }],
  }));
}

describe('history change points', () => {
  it('finds a planted +15% step (5 noise sd) at the right commit in 10 of 10 seeds', () => {
    const found = Array.from({ length: 10 }, (_, seed) => findChangePoints(series(seed, 25, 0.15)));
    console.log(`step at 25: found ${found.map((f) => f.map((c) => `${c.index} (${(c.relative * 100).toFixed(1)}%, p ${c.p.toExponential(1)})`).join(',') || 'none').join(' | ')}`);
    for (const f of found) expect(f.map((c) => c.index)).toEqual([25]);
    // and the commit is named: the p50 series of the store changes at c25, a regression
    const check = checkHistory(records(series(0, 25, 0.15)));
    const p50 = check.series.find((s) => s.series.endsWith('p50-latency-us'))!;
    expect(p50.changes.map((c) => [c.commit, c.previousCommit, c.direction])).toEqual([['c25', 'c24', 'regression']]);
    expect(p50.newestRegressed).toBe(false);
  });

  it('reports no change on a flat noisy history in 10 of 10 seeds', () => {
    const found = Array.from({ length: 10 }, (_, seed) => findChangePoints(series(100 + seed, undefined, 0)));
    console.log(`flat: change points per seed ${found.map((f) => f.length).join(' ')}`);
    for (const f of found) expect(f).toEqual([]);
  });

  it('negative control: a +3% step (one noise sd) at the same place is below what 10 points each side resolve at p < 0.001 in most seeds', () => {
    const found = Array.from({ length: 10 }, (_, seed) => findChangePoints(series(seed, 25, 0.03)).length);
    console.log(`+3% step: seeds with a change found ${found.filter((n) => n > 0).length}/10`);
    expect(found.filter((n) => n > 0).length).toBeLessThan(10);
  });

  it('the newest commit alone: a +20% jump is a change at the last point', () => {
    const values = series(3, undefined, 0);
    values[COMMITS - 1] = 1200;
    const changes = findChangePoints(values);
    expect(changes.map((c) => c.index)).toEqual([COMMITS - 1]);
    const check = checkHistory(records(values));
    expect(check.series.find((s) => s.series.endsWith('p50-latency-us'))!.newestRegressed).toBe(true);
  });

  it('CLI: exit 99 when the newest commit regressed, 0 on a flat store, 104 on a broken line naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ugbench-history-'));
    const write = (name: string, values: number[]) => {
      const path = join(dir, name);
      writeFileSync(path, records(values).map((r) => JSON.stringify(r)).join('\n') + '\n');
      return path;
    };
    const jumped = series(3, undefined, 0);
    jumped[COMMITS - 1] = 1200;
    const bad = runCli(['history', 'check', '--store', write('jumped.jsonl', jumped)]);
    expect(bad.status).toBe(99);
    expect(bad.stdout).toMatch(/p50-latency-us: regression \+\d+\.\d% at commit c39 \(after c38;.*NEWEST COMMIT/);
    expect(runCli(['history', 'check', '--store', write('flat.jsonl', series(100, undefined, 0))]).status).toBe(0);
    const broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, `${JSON.stringify(records([1000])[0])}\n{"schemaVersion":1,"commit":""}\n`);
    const r = runCli(['history', 'check', '--store', broken]);
    expect(r.status).toBe(104);
    expect(r.stderr).toMatch(/line 2: commit: expected a commit id/);
  });
});
