/**
 * `compare` run mode end to end without a benchmark: a stand-in checkout whose bin/ugbench.mjs
 * "bench" copies the next of a list of pre-made results files into --out. Side A and side B are
 * the same distribution (A/A) with a per-run scale jitter of sd 3%, so 3 repeats per side leave
 * the p50 interval wider than ±5% (inconclusive, exit 97), and --until-decided adds ABBA blocks
 * until the interval fits inside ±5% (no change, exit 0), printing how many runs it took.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../harness/rng.ts';
import { runCli } from '../../../cli/run-cli.ts';
import { lognormalUs, makeResults, makeRun } from '../results-fixture.ts';

const FAKE_BENCH = `
import { copyFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
const args = process.argv.slice(2);
const scenario = args[1];
const out = args[args.indexOf('--out') + 1];
const files = JSON.parse(readFileSync(scenario, 'utf8')).files;
const counter = scenario + '.next';
const next = existsSync(counter) ? Number(readFileSync(counter, 'utf8')) : 0;
writeFileSync(counter, String(next + 1));
copyFileSync(files[next], join(out, 'results.json'));
`;

function setup(): { checkout: string; scenarioA: string; scenarioB: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ugbench-until-'));
  const checkout = join(dir, 'checkout');
  mkdirSync(join(checkout, 'bin'), { recursive: true });
  writeFileSync(join(checkout, 'bin/ugbench.mjs'), FAKE_BENCH);
  const rng = new Rng(21);
  const side = (name: string) => {
    const files = Array.from({ length: 12 }, (_, i) => {
      const path = join(dir, `${name}-${i}.json`);
      writeFileSync(path, JSON.stringify(makeResults([makeRun({ variant: 'ugsep', latenciesUs: lognormalUs(rng, 2000, 1000, Math.exp(0.03 * rng.normal())) })])));
      return path;
    });
    const scenario = join(dir, `${name}.json`);
    writeFileSync(scenario, JSON.stringify({ files }));
    return scenario;
  };
  return { checkout, scenarioA: side('A'), scenarioB: side('B') };
}

describe('compare --until-decided', () => {
  it('inconclusive at 3 repeats (exit 97); --until-decided adds ABBA blocks until decided (exit 0)', () => {
    const first = setup();
    const args = (s: ReturnType<typeof setup>) => ['compare', s.scenarioA, s.scenarioB, '--a-checkout', s.checkout, '--b-checkout', s.checkout, '--repeats', '3', '--replicates', '200'];
    const short = runCli(args(first));
    expect(short.stdout).toMatch(/run A 1: .*\nrun B 1: .*\nrun B 2: .*\nrun A 2: .*\nrun A 3: .*\nrun B 3: /);
    expect(short.stdout).toMatch(/p50 .* inconclusive/);
    expect(short.status).toBe(97);

    const second = setup();
    const r = runCli([...args(second), '--until-decided', '--max-repeats', '11']);
    const taken = /decided after (\d+) runs \((\d+) per side\)/.exec(r.stdout);
    console.log(r.stdout.split('\n').filter((l) => /p50|decided|inconclusive after/.test(l)).join('\n'));
    expect(taken).not.toBeNull();
    expect(Number(taken![1])).toBeGreaterThan(6);
    expect(r.stdout).toMatch(/p50 .* no change/);
    expect(r.status).toBe(0);

    const capped = runCli([...args(setup()), '--until-decided', '--max-repeats', '4']);
    expect(capped.stdout).toMatch(/still inconclusive at --max-repeats 4 after 8 runs \(4 per side\)/);
    expect(capped.status).toBe(97);
  });
});
