/** `history add`: the record it appends (commit, labels, percentiles, histogram) and its refusals. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../harness/rng.ts';
import { readHistory } from '../../../../harness/results/history/store.ts';
import { runCli } from '../../../cli/run-cli.ts';
import { lognormalUs, makeResults, makeRun } from '../results-fixture.ts';

describe('history add', () => {
  it('appends one JSON line per results file; a file without a commit needs --commit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ugbench-history-add-'));
    const results = makeResults([makeRun({ variant: 'ugsep', latenciesUs: lognormalUs(new Rng(1), 1000, 1000) })]);
    const file = join(dir, 'results.json');
    writeFileSync(file, JSON.stringify(results));
    const store = join(dir, 'h.jsonl');
    const refused = runCli(['history', 'add', file, '--store', store]);
    expect(refused.status).toBe(104);
    expect(refused.stderr).toMatch(/git\.commit: expected a commit .* pass --commit/);
    expect(runCli(['history', 'add', file, '--store', store, '--commit', 'abc123', '--label', 'branch=main']).status).toBe(0);
    expect(runCli(['history', 'add', file, '--store', store, '--commit', 'def456']).status).toBe(0);
    expect(readFileSync(store, 'utf8').trim().split('\n')).toHaveLength(2);
    const [first, second] = readHistory(store);
    expect(first!.commit).toBe('abc123');
    expect(first!.labels).toEqual({ branch: 'main' });
    expect(second!.labels).toEqual({});
    const run = first!.runs[0]!;
    expect(run.p50Us).toBe(results.runs[0]!.latencyUs.overall.p50Us);
    expect(run.p99Us).toBe(results.runs[0]!.latencyUs.overall.p99Us);
    expect(run.histogram).toBe(results.runs[0]!.histograms.overall);
  });
});
