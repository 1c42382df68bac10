/**
 * `ugbench compare`: is B slower than A beyond noise? Two ways to get the measurements:
 *   --a a1.json a2.json ... --b b1.json b2.json ...      read R results files per side, or
 *   compare scenario.yaml [scenarioB.yaml] --repeats R [--a-checkout DIR] [--b-checkout DIR]
 * which runs `ugbench bench` R times per side, interleaved A B A B ... so slow drifts of the
 * machine (thermal, neighbours) hit both sides alike; the scenario's seed fixes the traffic,
 * so every repeat replays the same schedule. Two checkouts (e.g. a `git worktree` of the base
 * commit) compare two commits; two scenarios compare two configs.
 * Exit 0 no regression, 99 regression, 98 a run was invalid, 104 bad input.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Register } from '../main.ts';
import { ExitCode, InputError } from '../../harness/errors.ts';
import type { BenchResults } from '../../harness/results/contract.ts';
import { readResultsFile } from '../../harness/results/read.ts';
import { compareResults, comparisonToJUnit, formatComparison, hasRegression } from '../../harness/results/compare/runs.ts';
import { comparisonToBmf } from '../../harness/results/compare/bmf.ts';
import { toJUnitXml } from '../../harness/results/compare/junit.ts';
import { integerOption } from '../options.ts';
import { addCompareOptions, compareOptionsFrom, type CompareFlags } from './compare-options.ts';

interface CompareCommandFlags extends CompareFlags {
  a?: string[];
  b?: string[];
  repeats: number;
  aCheckout?: string;
  bCheckout?: string;
  benchArg: string[];
  out?: string;
  bmf?: string;
  junit?: string;
}

const THIS_CHECKOUT = fileURLToPath(new URL('../../', import.meta.url));

export const registerCompare: Register = (program, setExit) => {
  addCompareOptions(
    program
      .command('compare')
      .description('compare two sides (commits or configs) over repeated interleaved runs; bootstrap interval on p50/p99 changes')
      .argument('[scenarioA]', 'scenario to run for side A (run mode)')
      .argument('[scenarioB]', 'scenario for side B (default: scenarioA)')
      .option('--a <files...>', 'side A results files (read mode)')
      .option('--b <files...>', 'side B results files (read mode)')
      .option('--repeats <n>', 'runs per side in run mode, interleaved A B A B', integerOption(1), 5)
      .option('--a-checkout <dir>', 'ugbench checkout that runs side A (default: this one)')
      .option('--b-checkout <dir>', 'ugbench checkout that runs side B (default: this one)')
      .option('--bench-arg <arg>', 'extra argument passed to every `ugbench bench` (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
      .option('--out <dir>', 'keep the run results here (default: a temporary directory)')
      .option('--bmf <file>', 'also write Bencher Metric Format JSON')
      .option('--junit <file>', 'also write JUnit XML'),
  ).action((scenarioA: string | undefined, scenarioB: string | undefined, flags: CompareCommandFlags) => {
    const out = (line: string) => process.stdout.write(`${line}\n`);
    let a: BenchResults[];
    let b: BenchResults[];
    if (flags.a || flags.b) {
      if (!flags.a?.length || !flags.b?.length) throw new InputError('compare', ['--a and --b: expected results files for both sides']);
      if (scenarioA) throw new InputError('compare', ['expected either scenarios (run mode) or --a/--b files (read mode), got both']);
      a = flags.a.map(readResultsFile);
      b = flags.b.map(readResultsFile);
    } else {
      if (!scenarioA) throw new InputError('compare', ['expected a scenario to run, or --a and --b results files']);
      ({ a, b } = runInterleaved(scenarioA, scenarioB ?? scenarioA, flags, out));
    }
    const comparison = compareResults(a, b, compareOptionsFrom(flags));
    for (const line of formatComparison(comparison)) out(line);
    if (flags.bmf) writeFileSync(flags.bmf, `${JSON.stringify(comparisonToBmf(comparison), null, 2)}\n`);
    if (flags.junit) writeFileSync(flags.junit, toJUnitXml('ugbench compare', comparisonToJUnit(comparison)));
    const notValid = [...a, ...b].filter((r) => r.status !== 'valid');
    if (notValid.length > 0) {
      out(`INVALID RUN: ${notValid.length} of ${a.length + b.length} results files are not valid; the comparison above is not a verdict`);
      setExit(ExitCode.invalidRun);
      return;
    }
    const regressed = hasRegression(comparison);
    out(regressed ? 'compare FAILED: regression beyond the tolerance' : 'compare passed: no regression beyond the tolerance');
    setExit(regressed ? ExitCode.gatesFailed : ExitCode.ok);
  });
};

function runInterleaved(scenarioA: string, scenarioB: string, flags: CompareCommandFlags, out: (line: string) => void): { a: BenchResults[]; b: BenchResults[] } {
  const sides = [
    { name: 'A', checkout: resolve(flags.aCheckout ?? THIS_CHECKOUT), scenario: resolve(scenarioA) },
    { name: 'B', checkout: resolve(flags.bCheckout ?? THIS_CHECKOUT), scenario: resolve(scenarioB) },
  ];
  const problems = sides.flatMap((s) => [
    ...(existsSync(join(s.checkout, 'bin/ugbench.mjs')) ? [] : [`${s.name} checkout: expected bin/ugbench.mjs in ${s.checkout}`]),
    ...(existsSync(s.scenario) ? [] : [`${s.name} scenario: expected a file, got ${s.scenario}`]),
  ]);
  if (problems.length > 0) throw new InputError('compare', problems);
  const root = flags.out ? resolve(flags.out) : mkdtempSync(join(tmpdir(), 'ugbench-compare-'));
  const results: Record<string, BenchResults[]> = { A: [], B: [] };
  for (let repeat = 1; repeat <= flags.repeats; repeat++) {
    for (const side of sides) {
      const dir = join(root, `${side.name}-${repeat}`);
      mkdirSync(dir, { recursive: true });
      out(`run ${side.name} ${repeat}/${flags.repeats}: ${side.checkout} bench ${side.scenario}`);
      const run = spawnSync(process.execPath, [join(side.checkout, 'bin/ugbench.mjs'), 'bench', side.scenario, '--out', dir, ...flags.benchArg], {
        cwd: side.checkout,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      // 98 (invalid run) still wrote results; anything else without a file is a failure
      const file = newestJson(dir);
      if (!file) throw new InputError('compare', [`${side.name} run ${repeat}: bench exited ${run.status} without writing results in ${dir}`]);
      results[side.name]!.push(readResultsFile(file));
    }
  }
  out(`results kept in ${root}`);
  return { a: results.A!, b: results.B! };
}

function newestJson(dir: string): string | undefined {
  const preferred = join(dir, 'results.json');
  if (existsSync(preferred)) return preferred;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(dir, f))
    .sort((x, y) => statSync(y).mtimeMs - statSync(x).mtimeMs)[0];
}
