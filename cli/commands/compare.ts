/**
 * `ugbench compare`: is B slower than A beyond noise? Two ways to get the measurements:
 *   --a a1.json a2.json ... --b b1.json b2.json ...      read R results files per side, or
 *   compare scenario.yaml [scenarioB.yaml] --repeats R [--a-checkout DIR] [--b-checkout DIR]
 * which runs `ugbench bench` R times per side in ABBA blocks (harness/compare/abba.ts) so slow
 * drifts of the machine hit both sides alike; the scenario's seed fixes the traffic, so every
 * repeat replays the same schedule. --until-decided adds ABBA blocks while the answer is
 * inconclusive, up to --max-repeats per side. Two checkouts (e.g. a `git worktree` of the base
 * commit) compare two commits; two scenarios compare two configs (needs --allow-different).
 *   compare results.json --variants A,B
 * compares two variants of one bench from its paired samples (./compare-variants.ts).
 * Exit 0 decided, no regression; 99 regression; 97 inconclusive; 98 a run was invalid; 104 bad
 * input, including results of different scenarios, models, machines or runtimes.
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
import { compareResults, comparisonToJUnit, formatComparison, overallVerdict, type Comparison } from '../../harness/results/compare/runs.ts';
import { comparisonToBmf } from '../../harness/results/compare/bmf.ts';
import { toJUnitXml } from '../../harness/results/compare/junit.ts';
import { abbaSchedule, type Side } from '../../harness/results/compare/abba.ts';
import { integerOption } from '../options.ts';
import { addCompareOptions, checkSameSetup, compareOptionsFrom, type CompareFlags } from './compare-options.ts';
import { compareVariantsCommand } from './compare-variants.ts';

interface CompareCommandFlags extends CompareFlags {
  a?: string[];
  b?: string[];
  repeats: number;
  untilDecided?: boolean;
  maxRepeats?: number;
  aCheckout?: string;
  bCheckout?: string;
  benchArg: string[];
  out?: string;
  bmf?: string;
  junit?: string;
  variants?: string;
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
      .option('--repeats <n>', 'runs per side in run mode, in ABBA blocks', integerOption(1), 5)
      .option('--until-decided', 'run mode: add ABBA blocks (2 runs per side each) while the verdict is inconclusive')
      .option('--max-repeats <n>', 'with --until-decided: stop at this many runs per side (default 4 x --repeats)', integerOption(1))
      .option('--a-checkout <dir>', 'ugbench checkout that runs side A (default: this one)')
      .option('--b-checkout <dir>', 'ugbench checkout that runs side B (default: this one)')
      .option('--bench-arg <arg>', 'extra argument passed to every `ugbench bench` (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
      .option('--out <dir>', 'keep the run results here (default: a temporary directory)')
      .option('--bmf <file>', 'also write Bencher Metric Format JSON')
      .option('--junit <file>', 'also write JUnit XML')
      .option('--variants <a,b>', 'compare variant b with variant a of one results file (the positional argument) from its paired samples'),
  ).action((scenarioA: string | undefined, scenarioB: string | undefined, flags: CompareCommandFlags) => {
    const out = (line: string) => process.stdout.write(`${line}\n`);
    if (flags.variants !== undefined) {
      if (!scenarioA || scenarioB || flags.a || flags.b) throw new InputError('compare', ['--variants: expected exactly one results file, e.g. compare results.json --variants baseline,ugsep']);
      setExit(compareVariantsCommand(scenarioA, flags.variants, flags, out));
      return;
    }
    let a: BenchResults[];
    let b: BenchResults[];
    let comparison: Comparison;
    if (flags.a || flags.b) {
      if (!flags.a?.length || !flags.b?.length) throw new InputError('compare', ['--a and --b: expected results files for both sides']);
      if (scenarioA) throw new InputError('compare', ['expected either scenarios (run mode) or --a/--b files (read mode), got both']);
      if (flags.untilDecided) throw new InputError('compare', ['--until-decided: only in run mode (it runs more repeats)']);
      a = flags.a.map(readResultsFile);
      b = flags.b.map(readResultsFile);
      checkSameSetup([...flags.a.map((label, i) => ({ label, results: a[i]! })), ...flags.b.map((label, i) => ({ label, results: b[i]! }))], flags.allowDifferent === true, out);
      comparison = compareResults(a, b, compareOptionsFrom(flags));
    } else {
      if (!scenarioA) throw new InputError('compare', ['expected a scenario to run, or --a and --b results files']);
      ({ a, b, comparison } = runUntilDecided(scenarioA, scenarioB ?? scenarioA, flags, out));
    }
    for (const line of formatComparison(comparison)) out(line);
    if (flags.bmf) writeFileSync(flags.bmf, `${JSON.stringify(comparisonToBmf(comparison), null, 2)}\n`);
    if (flags.junit) writeFileSync(flags.junit, toJUnitXml('ugbench compare', comparisonToJUnit(comparison)));
    const notValid = [...a, ...b].filter((r) => r.status !== 'valid');
    if (notValid.length > 0) {
      out(`INVALID RUN: ${notValid.length} of ${a.length + b.length} results files are not valid; the comparison above is not a verdict`);
      setExit(ExitCode.invalidRun);
      return;
    }
    const verdict = overallVerdict(comparison);
    if (verdict === 'regression') out('compare FAILED: regression beyond the tolerance');
    else if (verdict === 'inconclusive') out('compare INCONCLUSIVE: an interval straddles the tolerance or a side has too few repeats; more runs (--until-decided) may decide');
    else out('compare passed: every compared quantile decided, no regression beyond the tolerance');
    setExit(verdict === 'regression' ? ExitCode.gatesFailed : verdict === 'inconclusive' ? ExitCode.inconclusive : ExitCode.ok);
  });
};

interface RunSide {
  name: Side;
  checkout: string;
  scenario: string;
}

/** Initial ABBA blocks, then (with --until-decided) one more block at a time while inconclusive. */
function runUntilDecided(scenarioA: string, scenarioB: string, flags: CompareCommandFlags, out: (line: string) => void): { a: BenchResults[]; b: BenchResults[]; comparison: Comparison } {
  const sides = runSides(scenarioA, scenarioB, flags);
  const maxRepeats = flags.maxRepeats ?? 4 * flags.repeats;
  if (flags.untilDecided && maxRepeats < flags.repeats) throw new InputError('compare', [`--max-repeats: expected at least --repeats (${flags.repeats}), got ${maxRepeats}`]);
  const root = flags.out ? resolve(flags.out) : mkdtempSync(join(tmpdir(), 'ugbench-compare-'));
  const results: Record<Side, BenchResults[]> = { A: [], B: [] };
  const labels: Record<Side, string[]> = { A: [], B: [] };
  const runBlock = (from: number, count: number) => {
    for (const name of abbaSchedule(from, count)) {
      const side = sides[name];
      const repeat = results[name].length + 1;
      const file = runBench(side, join(root, `${name}-${repeat}`), repeat, flags.benchArg, out);
      results[name].push(readResultsFile(file));
      labels[name].push(file);
    }
  };
  let printed = false; // --allow-different lists the differences once, not after every block
  const compareNow = () => {
    const files = [...labels.A, ...labels.B].map((label, i) => ({ label, results: [...results.A, ...results.B][i]! }));
    checkSameSetup(files, flags.allowDifferent === true, printed ? () => {} : out);
    printed = true;
    return compareResults(results.A, results.B, compareOptionsFrom(flags));
  };
  runBlock(0, 2 * flags.repeats);
  let comparison = compareNow();
  while (flags.untilDecided && overallVerdict(comparison) === 'inconclusive' && results.A.length < maxRepeats) {
    out(`inconclusive after ${results.A.length} repeats per side: adding an ABBA block`);
    runBlock(results.A.length + results.B.length, 2 * Math.min(2, maxRepeats - results.A.length));
    comparison = compareNow();
  }
  const runs = results.A.length + results.B.length;
  if (flags.untilDecided) {
    const decided = overallVerdict(comparison) !== 'inconclusive';
    out(`${decided ? 'decided' : `still inconclusive at --max-repeats ${maxRepeats}`} after ${runs} runs (${results.A.length} per side)`);
  }
  out(`results kept in ${root}`);
  return { a: results.A, b: results.B, comparison };
}

function runSides(scenarioA: string, scenarioB: string, flags: CompareCommandFlags): Record<Side, RunSide> {
  const sides: Record<Side, RunSide> = {
    A: { name: 'A', checkout: resolve(flags.aCheckout ?? THIS_CHECKOUT), scenario: resolve(scenarioA) },
    B: { name: 'B', checkout: resolve(flags.bCheckout ?? THIS_CHECKOUT), scenario: resolve(scenarioB) },
  };
  const problems = Object.values(sides).flatMap((s) => [
    ...(existsSync(join(s.checkout, 'bin/ugbench.mjs')) ? [] : [`${s.name} checkout: expected bin/ugbench.mjs in ${s.checkout}`]),
    ...(existsSync(s.scenario) ? [] : [`${s.name} scenario: expected a file, got ${s.scenario}`]),
  ]);
  if (problems.length > 0) throw new InputError('compare', problems);
  return sides;
}

/** One `ugbench bench` of one side; returns the results file it wrote. */
function runBench(side: RunSide, dir: string, repeat: number, benchArg: readonly string[], out: (line: string) => void): string {
  mkdirSync(dir, { recursive: true });
  out(`run ${side.name} ${repeat}: ${side.checkout} bench ${side.scenario}`);
  const run = spawnSync(process.execPath, [join(side.checkout, 'bin/ugbench.mjs'), 'bench', side.scenario, '--out', dir, ...benchArg], {
    cwd: side.checkout,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // 98 (invalid run) still wrote results; anything else without a file is a failure
  const file = newestJson(dir);
  if (!file) throw new InputError('compare', [`${side.name} run ${repeat}: bench exited ${run.status} without writing results in ${dir}`]);
  return file;
}

function newestJson(dir: string): string | undefined {
  const preferred = join(dir, 'results.json');
  if (existsSync(preferred)) return preferred;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(dir, f))
    .sort((x, y) => statSync(y).mtimeMs - statSync(x).mtimeMs)[0];
}
