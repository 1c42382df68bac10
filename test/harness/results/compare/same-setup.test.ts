/**
 * Refusals: results of different scenarios, models, machines or runtimes are not compared
 * (exit 104) unless --allow-different, which prints every difference; the same check guards
 * `gate --baseline`. Also the Student t quantiles the between-runs interval rests on.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../harness/rng.ts';
import type { BenchResults } from '../../../../harness/results/contract.ts';
import { scenarioHash, setupDifferences } from '../../../../harness/results/compare/same-setup.ts';
import { tQuantile, tTwoSidedP } from '../../../../harness/results/compare/student-t.ts';
import { runCli } from '../../../cli/run-cli.ts';
import { lognormalUs, makeResults, makeRun } from '../results-fixture.ts';

const rng = new Rng(9);
const base = (): BenchResults => {
  const r = makeResults([makeRun({ variant: 'ugsep', latenciesUs: lognormalUs(rng, 500, 1000) })], { thresholds: ['dropped == 0'] });
  r.scenario.effective = { seed: 1, traffic: { arrivals: { rateQps: 100 } }, thresholds: ['dropped == 0'] };
  r.machine.cpu.flags = 'sse4_2 avx2 fma';
  return r;
};

describe('same-setup refusal', () => {
  it('finds nothing between two runs of one setup; thresholds and names are not the measurement', () => {
    const a = base();
    const b = base();
    b.scenario.effective = { thresholds: ['p99_ms < 5'], traffic: { arrivals: { rateQps: 100 } }, seed: 1, name: 'renamed' };
    expect(setupDifferences(a, b)).toEqual([]);
    expect(scenarioHash(a)).toBe(scenarioHash(b));
  });

  it('names each difference: scenario, model, CPU model and flags, runtime, package versions', () => {
    const a = base();
    const b = base();
    b.scenario.effective = { seed: 2, traffic: { arrivals: { rateQps: 100 } } };
    b.machine.cpu.brand = 'Xeon';
    b.machine.cpu.flags = 'sse4_2 avx2 fma avx512f';
    b.runs[0]!.runtime.threads = 4;
    b.runs[0]!.runtime.details = { model: 'small' };
    b.packages = { 'onnxruntime-node': '1.31.0' };
    const d = setupDifferences(a, b);
    console.log(d.join('\n'));
    expect(d).toHaveLength(6);
    expect(d).toContainEqual(expect.stringMatching(/^scenario hash: /));
    expect(d).toContainEqual('machine cpu: "test test, 2 cores" vs "test Xeon, 2 cores"');
    expect(d).toContainEqual('machine cpu flags: only in the first: none; only in the second: avx512f');
    expect(d).toContainEqual(expect.stringMatching(/^runtime ugsep@reference: .*threads=2.* vs .*threads=4/));
    expect(d).toContainEqual('model ugsep@reference: "variant=ugsep" vs "variant=ugsep model=small"');
    expect(d).toContainEqual('runtime package onnxruntime-node: absent vs "1.31.0"');
  });

  it('reads the model as data where the results carry it: another weights file is another model', () => {
    const a = base();
    const b = base();
    const model = { config: { T: 4, D: 16 }, traits: { masked: true }, cost: {}, baselineCost: {}, weightsSha256: null };
    a.runs[0]!.model = model as never;
    b.runs[0]!.model = { ...model, weightsSha256: 'ab12' } as never;
    expect(setupDifferences(a, b)).toEqual([
      'model ugsep@reference: "variant=ugsep config={\\"D\\":16,\\"T\\":4} traits={\\"masked\\":true} weightsSha256=seeded" vs "variant=ugsep config={\\"D\\":16,\\"T\\":4} traits={\\"masked\\":true} weightsSha256=ab12"',
    ]);
  });

  it('CLI: compare and gate --baseline exit 104 naming the difference; --allow-different prints it and compares', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ugbench-setup-'));
    const write = (name: string, r: BenchResults) => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(r));
      return path;
    };
    const a = [write('a1.json', base()), write('a2.json', base()), write('a3.json', base())];
    const other = base();
    other.machine.cpu.brand = 'Xeon';
    const b = [write('b1.json', base()), write('b2.json', other), write('b3.json', base())];
    const refused = runCli(['compare', '--a', ...a, '--b', ...b]);
    expect(refused.status).toBe(104);
    expect(refused.stderr).toMatch(/b2\.json vs .*a1\.json: machine cpu: "test test, 2 cores" vs "test Xeon, 2 cores"/);
    expect(refused.stderr).toMatch(/--allow-different/);
    const allowed = runCli(['compare', '--a', ...a, '--b', ...b, '--allow-different']);
    expect(allowed.status).not.toBe(104);
    expect(allowed.stdout).toMatch(/--allow-different: comparing results that differ in 1 ways:\n {2}.*machine cpu/);
    const gate = runCli(['gate', b[1]!, '--baseline', a[0]!, '--no-scenario-thresholds']);
    expect(gate.status).toBe(104);
    expect(gate.stderr).toMatch(/machine cpu/);
  });
});

describe('Student t', () => {
  it('quantiles and tail probabilities match tables', () => {
    const table: [number, number][] = [[1, 12.7062], [2, 4.3027], [4, 2.7764], [10, 2.2281], [30, 2.0423]];
    for (const [df, t] of table) expect(tQuantile(0.975, df)).toBeCloseTo(t, 3);
    expect(tTwoSidedP(2.2281, 10)).toBeCloseTo(0.05, 4);
    expect(tTwoSidedP(0, 5)).toBeCloseTo(1, 10);
  });
});
