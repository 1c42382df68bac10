import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/errors.ts';
import { parseScenarioText } from '../../../harness/scenario/load.ts';
import { SCHEMA_PATH, renderScenarioJsonSchema } from '../../../harness/scenario/write-schema.ts';

const VALID = `name: t
traffic:
  arrivals: {process: poisson, rateQps: 5}
`;

function problemsOf(text: string): string[] {
  try {
    parseScenarioText(text, 't.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return [...(error as InputError).problems];
  }
  throw new Error('expected the scenario to be rejected');
}

describe('scenario validation', () => {
  it('accepts a minimal scenario and fills documented defaults', () => {
    const s = parseScenarioText(VALID, 't.yaml');
    expect(s.variants).toEqual(['baseline', 'ugsep', 'ugsep-w8a16']);
    expect(s.traffic.users).toEqual({ size: 100000, distribution: 'zipf', zipfExponent: 1 });
    expect(s.run).toEqual({ warmupS: 2, durationS: 10, minQueries: 100 });
    expect(s.runtimes).toEqual([{ name: 'auto', parallelRequests: 1 }]);
  });

  const cases: [string, string, string[]][] = [
    ['negative candidate max', `${VALID}  candidates: {distribution: uniform, min: 1, max: -3}\n`, ['traffic.candidates.max: expected integer >= 1, got -3']],
    ['non-integer count', `${VALID}  candidates: {distribution: fixed, count: 2.5}\n`, ['traffic.candidates.count: expected integer >= 1, got 2.5']],
    ['unknown arrival process', 'name: t\ntraffic:\n  arrivals: {process: poison, rateQps: 5}\n', ['traffic.arrivals.process: expected one of poisson, constant, closed, offline, got "poison"']],
    ['zero rate', 'name: t\ntraffic:\n  arrivals: {process: constant, rateQps: 0}\n', ['traffic.arrivals.rateQps: expected number > 0, got 0']],
    ['closed without concurrency', 'name: t\ntraffic:\n  arrivals: {process: closed}\n', ['traffic.arrivals.concurrency: expected integer >= 1, got nothing']],
    ['missing name', 'traffic:\n  arrivals: {process: offline, queries: 10}\n', ['name: expected a scenario name (a string), got nothing']],
    ['hit rate above 1', `${VALID}cache: {forcedHitRate: 1.5}\n`, ['cache.forcedHitRate: expected number in [0, 1], got 1.5']],
    ['misspelt field', `${VALID}  candidate: {distribution: fixed, count: 3}\n`, ['traffic.candidate: expected a known field (see scenarios/schema.json), got an unknown field']],
    ['zero threads', `${VALID}runtimes: [{name: auto, threads: 0}]\n`, ['runtimes[0].threads: expected integer >= 1, got 0']],
    ['max below min', `${VALID}  candidates: {distribution: uniform, min: 10, max: 5}\n`, ['traffic.candidates.max: expected integer >= min (10), got 5']],
    [
      'quantile table not from 0 to 1',
      `${VALID}  candidates: {distribution: quantiles, table: [{q: 0.1, count: 5}, {q: 0.9, count: 50}]}\n`,
      ['traffic.candidates.table[0].q: expected 0 (the table starts at q = 0), got 0.1', 'traffic.candidates.table[1].q: expected 1 (the table ends at q = 1), got 0.9'],
    ],
    ['forced hit rate with a capacity', `${VALID}cache: {forcedHitRate: 0.5, capacityUsers: 10}\n`, ['cache.forcedHitRate: expected either forcedHitRate or a capacity (capacityBytes/capacityUsers), not both, got 0.5']],
    ['duplicate variant', `${VALID}variants: [ugsep, ugsep]\n`, ['variants[1]: expected each variant once, got "ugsep"']],
    ['top level is a list', '- a\n- b\n', ['(scenario): expected object, got ["a","b"]']],
  ];
  for (const [title, text, expected] of cases) {
    it(`rejects ${title} with its exact message`, () => {
      expect(problemsOf(text)).toEqual(expected);
    });
  }

  it('reports every problem at once, sorted by path', () => {
    const problems = problemsOf('name: t\nseed: -1\ntraffic:\n  arrivals: {process: poisson, rateQps: -2}\n  inFlightLimit: 0\nrun: {durationS: 0}\n');
    expect(problems).toEqual([
      'run.durationS: expected number > 0, got 0',
      'seed: expected integer >= 0, got -1',
      'traffic.arrivals.rateQps: expected number > 0, got -2',
      'traffic.inFlightLimit: expected integer >= 1, got 0',
    ]);
  });

  it('names line and column of a YAML syntax error', () => {
    expect(problemsOf('name: t\ntraffic:\n  arrivals: {process: poisson\n')[0]).toMatch(/^line 4, column 1: expected valid YAML, got /);
    expect(problemsOf('name: a\nname: b\n')).toEqual(['line 2, column 1: expected valid YAML, got Map keys must be unique']);
  });

  it('scenarios/schema.json is up to date with the zod schema (npm run scenarios:schema)', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(renderScenarioJsonSchema());
  });
});
