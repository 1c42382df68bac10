/**
 * Scenario values that used to crash, hang or silently change the run (issue 21, item 3): each
 * is now rejected with the field and its limit, in process and through the real CLI (exit 104,
 * one message, no stack).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/errors.ts';
import { parseScenarioText } from '../../../harness/scenario/load.ts';
import { MAX_PLAN_ARRIVALS, MAX_PLAN_QUERIES } from '../../../harness/scenario/limits.ts';
import { runCli } from '../../cli/run-cli.ts';

const OFFLINE = 'arrivals: {process: offline, queries: 10}';
const ALIAS_BOMB = ['name: bomb', 'a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]', `traffic: {${OFFLINE}}`, ''].join('\n');

const CASES: [string, string, string][] = [
  ['candidates.count 4294967301 (wrapped to 5 by a u32)', `traffic: {${OFFLINE}, candidates: {distribution: fixed, count: 4294967301}}`, 'traffic.candidates.count: expected integer <= 65536 (candidates per request), got 4294967301'],
  ['candidates max 2147483648 (RangeError)', `traffic: {${OFFLINE}, candidates: {distribution: uniform, min: 1, max: 2147483648}}`, 'traffic.candidates.max: expected integer <= 65536 (candidates per request), got 2147483648'],
  ['candidates max 1e7 (grew without output)', `traffic: {${OFFLINE}, candidates: {distribution: lognormal, median: 10, max: 1e7}}`, 'traffic.candidates.max: expected integer <= 65536 (candidates per request), got 10000000'],
  ['offline queries 1e12 (RangeError)', 'traffic: {arrivals: {process: offline, queries: 1e12}}', `traffic.arrivals.queries: expected integer <= ${MAX_PLAN_QUERIES} (queries one traffic plan holds), got 1000000000000`],
  [
    'rateQps 1e9 (hung building the plan)',
    'traffic: {arrivals: {process: poisson, rateQps: 1e9}}',
    `traffic.arrivals.rateQps: expected rateQps x (warmupS + durationS) <= ${MAX_PLAN_ARRIVALS} arrivals (what one traffic plan holds), i.e. rateQps <= 894784 for 12 s, got 1000000000`,
  ],
  ['timeoutMs beyond a Node timer (fired after 1 ms)', `traffic: {${OFFLINE}}\ntarget: {kind: http, timeoutMs: 3000000000}`, 'target.timeoutMs: expected number <= 2147483647 (the longest Node timer), got 3000000000'],
  ['a 2000-point quantile table (scanned per draw)', `traffic: {${OFFLINE}, candidates: {distribution: quantiles, table: [${Array.from({ length: 2000 }, (_, i) => `{q: ${i / 1999}, count: ${i + 1}}`).join(', ')}]}}`, 'traffic.candidates.table: expected at most 1024 points (the sampler scans the table on every draw), got a list of 2000'],
  ['a YAML alias bomb (stack from the yaml library)', ALIAS_BOMB.replace('name: bomb\n', ''), 'yaml: expected at most 100 alias expansions and bounded nesting, got Excessive alias count indicates a resource exhaustion attack'],
];

function problemsOf(text: string): readonly string[] {
  try {
    parseScenarioText(text, 't.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  throw new Error('expected a rejection');
}

describe('scenario limits', () => {
  for (const [title, body, expected] of CASES) {
    it(`rejects ${title} naming the field and its limit`, () => {
      expect(problemsOf(`name: t\n${body}\n`)).toEqual([expected]);
    });
  }

  it('accepts values at the limits (the bounds are not off by one)', () => {
    const s = parseScenarioText(`name: t\ntraffic: {arrivals: {process: offline, queries: ${MAX_PLAN_QUERIES}}, candidates: {distribution: fixed, count: 65536}}\n`, 't.yaml');
    expect(s.traffic.candidates).toEqual({ distribution: 'fixed', count: 65536 });
    expect(problemsOf(`name: t\ntraffic: {arrivals: {process: offline, queries: ${MAX_PLAN_QUERIES + 1}}}\n`)).toHaveLength(1);
  });

  it('names the rate limit for a --rate override too', () => {
    expect(() => parseScenarioText('name: t\ntraffic: {arrivals: {process: constant, rateQps: 5}}\n', 't.yaml', { rateQps: 1e9 })).toThrow(/traffic\.arrivals\.rateQps: expected rateQps x \(warmupS \+ durationS\) <= /);
  });
});

describe('scenario limits through the CLI (exit 104, one message, no stack)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ugbench-limits-'));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const cli: [string, string, string][] = [
    ['count 4294967301', write('count.yaml', `name: t\n${CASES[0]![1]}\n`), CASES[0]![2]],
    ['rateQps 1e9', write('rate.yaml', `name: t\n${CASES[4]![1]}\n`), CASES[4]![2]],
    ['an alias bomb', write('bomb.yaml', ALIAS_BOMB), CASES[7]![2]],
  ];
  const fifo = join(dir, 'fifo.yaml');
  execFileSync('mkfifo', [fifo]);
  cli.push(['a FIFO (used to hang)', fifo, 'file: expected a regular file (YAML file), got a FIFO (named pipe)']);

  for (const [title, path, expected] of cli) {
    it(`bench with ${title}`, () => {
      const r = runCli(['bench', path, '--no-progress', '--no-report', '--no-limits', '--out', join(dir, 'out')], { timeoutMs: 60_000 });
      expect(r.stderr).toBe(`ugbench: scenario ${path}: ${expected}\n`);
      expect(r.status).toBe(104);
    });
  }
});
