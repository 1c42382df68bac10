/**
 * `ugbench gate <results.json> [--thresholds F] [--baseline old.json]`: the pre-deploy check.
 * Exit 0 all pass, 99 a threshold failed or a regression vs the baseline, 98 the run itself is
 * invalid or aborted (its numbers cannot be trusted either way), 104 bad input.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Register } from '../main.ts';
import { ExitCode, InputError } from '../../harness/errors.ts';
import { readResultsFile } from '../../harness/results/read.ts';
import { thresholdsFromScenario, thresholdsFromText, type SourcedThreshold } from '../../harness/results/gates/source.ts';
import { evaluateThresholds } from '../../harness/results/gates/evaluate.ts';
import { formatVerdicts, verdictsToJUnit } from '../../harness/results/gates/report.ts';
import { compareResults, comparisonToJUnit, formatComparison, hasRegression, type Comparison } from '../../harness/results/compare/runs.ts';
import { comparisonToBmf, mergeBmf, resultsToBmf } from '../../harness/results/compare/bmf.ts';
import { toJUnitXml } from '../../harness/results/compare/junit.ts';
import { addCompareOptions, checkSameSetup, compareOptionsFrom, type CompareFlags } from './compare-options.ts';

interface GateFlags extends CompareFlags {
  thresholds?: string;
  scenarioThresholds: boolean;
  baseline?: string;
  bmf?: string;
  junit?: string;
}

export const registerGate: Register = (program, setExit) => {
  addCompareOptions(
    program
      .command('gate')
      .description('check a results file against thresholds (scenario `thresholds:` and/or --thresholds) and optionally a baseline results file')
      .argument('<results>', 'results.json written by `ugbench bench`')
      .option('--thresholds <file>', 'threshold expressions, one per line, # comments (see docs/ci-gates.md)')
      .option('--no-scenario-thresholds', "ignore the scenario's own thresholds list")
      .option('--baseline <results>', 'an earlier results.json: fail on a p50/p99 regression beyond the tolerance')
      .option('--bmf <file>', 'also write Bencher Metric Format JSON')
      .option('--junit <file>', 'also write JUnit XML'),
    1, // one baseline file against one results file: the tolerance has to absorb run-to-run noise
  ).action((resultsPath: string, flags: GateFlags) => {
    const results = readResultsFile(resultsPath);
    const thresholds: SourcedThreshold[] = [];
    if (flags.scenarioThresholds) thresholds.push(...thresholdsFromScenario(results.scenario.effective, `${resultsPath} scenario`));
    if (flags.thresholds) thresholds.push(...thresholdsFromText(readText(flags.thresholds), flags.thresholds));
    const baseline = flags.baseline ? readResultsFile(flags.baseline) : undefined;
    const out = (line: string) => process.stdout.write(`${line}\n`);
    if (baseline) checkSameSetup([{ label: flags.baseline!, results: baseline }, { label: resultsPath, results }], flags.allowDifferent === true, out, 'gate');
    if (thresholds.length === 0 && !baseline) {
      throw new InputError('gate', ['nothing to check: expected thresholds in the scenario, --thresholds FILE, or --baseline FILE']);
    }

    out(`gate: ${resultsPath} (${results.scenario.name}, ${results.runs.length} runs, status ${results.status})`);
    const verdicts = evaluateThresholds(results, thresholds);
    for (const line of formatVerdicts(verdicts)) out(line);

    let comparison: Comparison | undefined;
    if (baseline) {
      if (baseline.status !== 'valid') out(`note: baseline ${flags.baseline} has status ${baseline.status}`);
      comparison = compareResults([baseline], [results], compareOptionsFrom(flags));
      out(`baseline: ${flags.baseline} (1 repeat per side: the interval covers sampling noise only, the tolerance must cover run-to-run noise)`);
      for (const line of formatComparison(comparison)) out(line);
    }

    if (flags.junit) {
      const cases = [...verdictsToJUnit(verdicts), ...(comparison ? comparisonToJUnit(comparison) : [])];
      writeFileSync(flags.junit, toJUnitXml('ugbench gate', cases));
    }
    if (flags.bmf) {
      const bmf = comparison ? mergeBmf(resultsToBmf(results), comparisonToBmf(comparison)) : resultsToBmf(results);
      writeFileSync(flags.bmf, `${JSON.stringify(bmf, null, 2)}\n`);
    }

    const failed = verdicts.filter((v) => !v.pass).length;
    const regressed = comparison ? hasRegression(comparison) : false;
    if (results.status !== 'valid') {
      const reasons = results.runs.flatMap((run) => run.validity.reasons.map((reason) => `${run.id}: ${reason}`));
      out(`INVALID RUN: results status is ${results.status}${reasons.length ? `\n  ${reasons.join('\n  ')}` : ''}`);
      setExit(ExitCode.invalidRun);
      return;
    }
    out(`${failed === 0 && !regressed ? 'gate passed' : 'gate FAILED'}: ${verdicts.length - failed}/${verdicts.length} thresholds passed${comparison ? `, ${regressed ? 'regression vs baseline' : 'no regression vs baseline'}` : ''}`);
    setExit(failed === 0 && !regressed ? ExitCode.ok : ExitCode.gatesFailed);
  });
};

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(path, [`expected a readable thresholds file, got ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
}
