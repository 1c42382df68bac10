/** `ugbench gate` through the real CLI on fixture results files: exit codes 0/99/98/104, BMF, JUnit. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/run-cli.ts';
import { Rng } from '../../../../harness/rng.ts';
import { makeResults, makeRun, lognormalUs } from '../results-fixture.ts';
import { expectWellFormedXml } from '../xml-check.ts';

const dir = mkdtempSync(join(tmpdir(), 'ugbench-gate-'));
const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

const rng = new Rng(5);
const baselineLat = lognormalUs(rng, 2000, 20_000);
const ugsepLat = lognormalUs(rng, 2000, 10_000);
const good = write('good.json', makeResults(
  [makeRun({ variant: 'baseline', latenciesUs: baselineLat }), makeRun({ variant: 'ugsep', latenciesUs: ugsepLat })],
  { thresholds: ['p99_ms{variant=ugsep} < 25', 'speedup{variant=ugsep, vs=baseline} > 1.3', 'dropped == 0'] },
));
const slower = write('slower.json', makeResults(
  [makeRun({ variant: 'baseline', latenciesUs: baselineLat }), makeRun({ variant: 'ugsep', latenciesUs: ugsepLat.map((v) => v * 1.3) })],
));
const invalid = write('invalid.json', makeResults([makeRun({ variant: 'ugsep', latenciesUs: [1000, 2000], status: 'invalid' })], { thresholds: ['dropped == 0'] }));
const strict = write('strict.txt', '# tighter than the scenario\np99_ms{variant=ugsep} < 5\n');
const broken = write('broken.txt', 'dropped == 0\np99_ms{variant=ugsep}{ < 25\n');

describe('ugbench gate', () => {
  it('exit 0 when every threshold passes, printing value and verdict of each', () => {
    const r = runCli(['gate', good]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/PASS {2}p99_ms\{variant=ugsep\} < 25 +ugsep@reference +value 1[0-9]\.[0-9]{3}/);
    expect(r.stdout).toMatch(/PASS {2}speedup\{variant=ugsep, vs=baseline\} > 1\.3 +ugsep@reference +value 2\.0/);
    expect(r.stdout).toContain('gate passed: 4/4 thresholds passed');
  });

  it('exit 99 when a threshold fails, with JUnit XML and BMF JSON written', () => {
    const junit = join(dir, 'gate.xml');
    const bmf = join(dir, 'gate.bmf.json');
    const r = runCli(['gate', good, '--thresholds', strict, '--junit', junit, '--bmf', bmf]);
    expect(r.status).toBe(99);
    expect(r.stdout).toMatch(/FAIL {2}p99_ms\{variant=ugsep\} < 5/);
    const xml = readFileSync(junit, 'utf8');
    expectWellFormedXml(xml);
    expect(xml).toContain('tests="5" failures="1"');
    const metrics = JSON.parse(readFileSync(bmf, 'utf8'));
    expect(metrics['ugbench/ugsep@reference']['p99-latency-us'].value).toBeGreaterThan(10_000);
  });

  it('exit 99 on a regression vs --baseline, printing the interval; 0 against itself', () => {
    const bmf = join(dir, 'compare.bmf.json');
    const r = runCli(['gate', slower, '--baseline', good, '--bmf', bmf, '--junit', join(dir, 'c.xml')]);
    expect(r.status).toBe(99);
    expect(r.stdout).toMatch(/ugsep@reference +p50 +\S+ -> \S+ ms {2}\+30\.[0-9]% \[\+2[0-9]\.[0-9]%, \+3[0-9]\.[0-9]%\] {2}regression/);
    expect(r.stdout).toMatch(/baseline@reference +p50 .* no change/);
    const metrics = JSON.parse(readFileSync(bmf, 'utf8'));
    const p50 = metrics['ugbench/ugsep@reference']['p50-latency-us'];
    expect(p50.lower_value).toBeLessThanOrEqual(p50.value * 1.01);
    expect(p50.upper_value).toBeGreaterThanOrEqual(p50.value * 0.99);
    expectWellFormedXml(readFileSync(join(dir, 'c.xml'), 'utf8'));
    expect(runCli(['gate', good, '--baseline', good, '--no-scenario-thresholds']).status).toBe(0);
  });

  it('exit 98 when the run itself is invalid', () => {
    const r = runCli(['gate', invalid]);
    expect(r.status).toBe(98);
    expect(r.stdout).toContain('INVALID RUN: results status is invalid');
    expect(r.stdout).toContain('ugsep@reference: measured 12 queries, minimum 100');
  });

  it('exit 104 on bad input: a threshold parse error names line and column', () => {
    const r = runCli(['gate', good, '--thresholds', broken]);
    expect(r.status).toBe(104);
    expect(r.stderr).toContain('thresholds line 2, col 22: expected a comparison operator (<, <=, >, >=, ==, !=), got "{"');
    expect(runCli(['gate', join(dir, 'missing.json')]).status).toBe(104);
    expect(runCli(['gate', write('junk.json', '{"schemaVersion": 7}')]).stderr).toContain('schemaVersion: expected 2 (or 1), got 7');
    expect(runCli(['gate', slower]).stderr).toContain('nothing to check');
    expect(runCli(['gate', good, '--tolerance', 'x']).status).toBe(104);
  });
});
