/**
 * One results reader (harness/results/read.ts) behind every command: a results file with a
 * broken field exits 104 naming the file and the field, with no stack trace; a good file is
 * read (the control).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkResults } from '../../harness/results/read.ts';
import { makeResults, makeRun } from '../harness/results/results-fixture.ts';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'ugbench-read-'));
const good = makeResults([makeRun({ variant: 'ugsep', runtime: 'ort', latenciesUs: Array(50).fill(1000) })]);
const broken = structuredClone(good) as unknown as { runs: { histograms: Record<string, unknown> }[] };
delete broken.runs[0]!.histograms['overall'];
const bad = join(dir, 'bad.json');
writeFileSync(bad, JSON.stringify(broken));
const FIELD = 'runs[0] (ugsep@ort).histograms.overall: expected an encoded histogram string, got undefined';

describe('every command reads results through the one reader', () => {
  it.each([
    ['gate', ['gate', bad]],
    ['compare', ['compare', '--a', bad, '--b', bad]],
    ['merge', ['merge', bad, bad, '--no-report', '--out', join(dir, 'm')]],
    ['export-results', ['export-results', bad]],
    ['report', ['report', bad, '--no-png', '--out', join(dir, 'r')]],
  ])('%s: exit 104 naming the file and the field', (_name, args) => {
    const r = runCli(args);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toContain(FIELD);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.status).toBe(104);
  });

  it('capacity: a sweep whose step run is broken exits 104 naming the field', () => {
    const sweep = join(dir, 'sweep.json');
    writeFileSync(sweep, JSON.stringify({ kind: 'ugbench-sweep', schemaVersion: 1, series: [{ steps: [{ run: broken.runs[0] }] }] }));
    const r = runCli(['capacity', sweep, '--peak-qps', '100', '--slo-p99-ms', '50']);
    expect(r.stderr).toContain(sweep);
    expect(r.stderr).toContain('series[0].steps[0].run (ugsep@ort).histograms.overall');
    expect(r.status).toBe(104);
  });

  it('reads a good file (control) and names every problem of a bad one at once', () => {
    expect(checkResults(JSON.parse(JSON.stringify(good)), 'good.json').runs).toHaveLength(1);
    expect(() => checkResults({ schemaVersion: 7, runs: 'x' }, 'x.json')).toThrow(/schemaVersion: expected 2 \(or 1\), got 7[\s\S]*status: [\s\S]*runs: expected a list of runs/);
  });
});
