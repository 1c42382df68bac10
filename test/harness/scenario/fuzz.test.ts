/**
 * Scenario fuzzing: seeded mutations of the shipped scenarios, each run through the loader in
 * process. Every outcome must be "accepted, and within the plan's limits" or "rejected with an
 * InputError (exit 104) whose every line names a field": never another error, never a hang.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { InputError } from '../../../harness/errors.ts';
import { Rng } from '../../../harness/rng.ts';
import { parseScenarioText } from '../../../harness/scenario/load.ts';
import { MAX_CANDIDATES_PER_REQUEST, MAX_PLAN_ARRIVALS, MAX_RUN_S, expectedOpenArrivals } from '../../../harness/scenario/limits.ts';
import { maxCandidates } from '../../../harness/loadgen/traffic/candidates.ts';
import type { Scenario } from '../../../harness/scenario/schema.ts';
import { runCli } from '../../cli/run-cli.ts';

const SCENARIOS = join(import.meta.dirname, '../../../scenarios');
const BASES = readdirSync(SCENARIOS)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join(SCENARIOS, f), 'utf8'));

/** Mutations per run: YAML parsing takes a few ms per document, so 600 run in a few seconds. */
const MUTATIONS = 600;

const HOSTILE: unknown[] = [
  0, -1, 1, 0.5, -0.5, 7, 1e7, 1e9, 1e12, 4294967301, 2147483648, 2 ** 53 + 2, 1e308, -1e308, Infinity, -Infinity, NaN,
  '', 'x', '77', '1e12', '\u001b[31mred\u001b[0m', 'a'.repeat(5000), null, true, false, [], {}, [1, 2, 3], { a: 1 },
  [{ q: 0, count: 1 }, { q: 1, count: 4294967301 }], { process: 'poisson', rateQps: 1e9 }, { distribution: 'fixed', count: 65537 },
];

/** A field is named: a path (`traffic.candidates.max`, `runtimes[0].name`), the root, or a YAML position. */
const NAMED = /^(\(scenario\)|yaml|line \d+, column \d+|([A-Za-z$_][\w$-]*|\["(\\.|[^"\\])*"\])(\[\d+\]|\.[\w$-]+|\["(\\.|[^"\\])*"\])*): expected /;

type Node = Record<string, unknown> | unknown[];

function paths(node: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (node === null || typeof node !== 'object') return out;
  for (const name of Object.keys(node)) {
    const key = Array.isArray(node) && /^\d+$/.test(name) ? Number(name) : name;
    const value = (node as Record<string, unknown>)[name];
    const path = [...prefix, key];
    out.push(path);
    paths(value, path, out);
  }
  return out;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng.uniform() * items.length)]!;
}

function setAt(root: Node, path: (string | number)[], value: unknown, remove: boolean): void {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
  if (node === null || typeof node !== 'object') return; // an earlier mutation replaced the parent
  const parent = node as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove) Reflect.deleteProperty(parent, last);
  else parent[last] = structuredClone(value);
}

/** One mutation: replace, delete or add a field, or corrupt the YAML text itself. */
function mutate(rng: Rng, base: string): string {
  const kind = rng.uniform();
  if (kind < 0.15) {
    const at = Math.floor(rng.uniform() * base.length);
    const junk = pick(rng, ['&a [*a]', '*nope', '{', ']', ':', '\t', '\u0000', '\u001b[2J', '- - -', '"', "'", '!!binary x', '{a: 1, a: 2}']);
    return base.slice(0, at) + junk + base.slice(at + (rng.uniform() < 0.5 ? 0 : 3));
  }
  const doc = parse(base) as Node;
  const count = 1 + Math.floor(rng.uniform() * 3);
  for (let m = 0; m < count; m++) {
    const path = pick(rng, paths(doc));
    const roll = rng.uniform();
    if (roll < 0.15) setAt(doc, path, undefined, true);
    else if (roll < 0.3) setAt(doc, [...path.slice(0, -1), pick(rng, ['extra', 'count', 'max', 'rateQps', 'queries', 'threads'])], pick(rng, HOSTILE), false);
    else setAt(doc, path, pick(rng, HOSTILE), false);
  }
  return stringify(doc);
}

/** What an accepted scenario promises: a plan the run can hold, a run within one timer. */
function assertWithinLimits(s: Scenario): void {
  expect(maxCandidates(s.traffic.candidates)).toBeLessThanOrEqual(MAX_CANDIDATES_PER_REQUEST);
  expect(s.run.warmupS + s.run.durationS).toBeLessThanOrEqual(MAX_RUN_S);
  const a = s.traffic.arrivals;
  const arrivals = a.process === 'closed' ? a.maxQueries : a.process === 'offline' ? a.queries : expectedOpenArrivals(a.rateQps, s.run.warmupS, s.run.durationS);
  expect(arrivals).toBeLessThanOrEqual(MAX_PLAN_ARRIVALS);
}

/** A few rejected mutations, replayed through the real CLI below. */
const rejectedTexts: string[] = [];

describe('scenario fuzzing (seeded)', () => {
  it('every one of 600 mutations is accepted within limits or rejected naming a field', () => {
    const rng = new Rng('scenario-fuzz');
    const outcomes = { accepted: 0, rejected: 0 };
    rejectedTexts.length = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const text = mutate(rng, pick(rng, BASES));
      let scenario: Scenario | undefined;
      try {
        scenario = parseScenarioText(text, `mutation-${i}.yaml`);
      } catch (error) {
        if (!(error instanceof InputError)) throw new Error(`mutation ${i} threw ${String(error)} for:\n${text}`, { cause: error });
        for (const line of error.problems) {
          if (!NAMED.test(line)) throw new Error(`mutation ${i}: problem names no field: ${JSON.stringify(line)}\n${text}`, { cause: error });
        }
        expect(error.message).not.toMatch(/\n\s+at /); // no stack in what is printed
        outcomes.rejected++;
        if (rejectedTexts.length < 3 && i % 7 === 0) rejectedTexts.push(text);
        continue;
      }
      assertWithinLimits(scenario);
      outcomes.accepted++;
    }
    console.log(`scenario fuzz: ${outcomes.accepted} accepted, ${outcomes.rejected} rejected of ${MUTATIONS}`);
    // both sides exercised: a fuzzer that only ever rejects (or accepts) tests nothing
    expect(outcomes.accepted).toBeGreaterThan(30);
    expect(outcomes.rejected).toBeGreaterThan(200);
  });

  it('a handful of the rejected mutations exit 104 through the CLI with one message and no stack', () => {
    expect(rejectedTexts).toHaveLength(3);
    const dir = mkdtempSync(join(tmpdir(), 'ugbench-fuzz-cli-'));
    rejectedTexts.forEach((text, i) => {
      const path = join(dir, `mutation-${i}.yaml`);
      writeFileSync(path, text);
      const r = runCli(['bench', path, '--no-progress', '--no-report', '--no-limits', '--out', join(dir, 'out')], { timeoutMs: 60_000 });
      expect(r.stderr.startsWith(`ugbench: scenario ${path}:`)).toBe(true);
      expect(r.stderr).not.toMatch(/\n\s+at |crashed/);
      expect(r.status).toBe(104);
    });
  });
});
