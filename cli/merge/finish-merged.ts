/**
 * What `ugbench merge` and `ugbench bench --workers K` do with merged results: write them
 * atomically, print the table, render the report the way `ugbench report` does, and evaluate
 * the scenario's gates once, on the merged data (gates on shards would judge 1/n of the
 * traffic). Returns the exit code: 98 when the merge is not valid (a missing shard, a short
 * run: its numbers cannot be trusted either way), else 99 when a gate failed, else 0.
 */
import { join } from 'node:path';
import { ExitCode } from '../../harness/errors.ts';
import { evaluateThresholds } from '../../harness/results/gates/evaluate.ts';
import { formatVerdicts } from '../../harness/results/gates/report.ts';
import { thresholdsFromScenario } from '../../harness/results/gates/source.ts';
import type { BenchResults } from '../../harness/results/contract.ts';
import { writeJsonAtomic } from '../../harness/results/io.ts';
import { formatResultsTable } from '../bench/table.ts';
import { renderAfterBench } from '../commands/report.ts';

export interface FinishOptions {
  outDir: string;
  /** stdout lines */
  out: (text: string) => void;
  /** render report.html and charts beside the results (default true) */
  report?: boolean;
}

export async function finishMerged(merged: BenchResults, o: FinishOptions): Promise<number> {
  const file = join(o.outDir, 'results.json');
  writeJsonAtomic(file, merged);
  const facts = merged.merged;
  o.out(`\n${formatResultsTable(merged)}\n\n`);
  if (facts) {
    o.out(`merged ${facts.shards.length} of ${facts.count} shards${facts.missing.length ? ` (MISSING: ${facts.missing.map((i) => `${i}/${facts.count}`).join(', ')})` : ''}; shard starts spread over ${facts.startSpreadS.toFixed(1)} s\n`);
  }
  if (o.report ?? true) o.out((await renderAfterBench(file, { measureLimits: false })).text);

  const thresholds = thresholdsFromScenario(merged.scenario.effective, 'scenario');
  let gatesFailed = false;
  if (thresholds.length > 0) {
    const verdicts = evaluateThresholds(merged, thresholds);
    for (const line of formatVerdicts(verdicts)) o.out(`${line}\n`);
    gatesFailed = verdicts.some((v) => !v.pass);
    o.out(`gates on the merged data: ${verdicts.length - verdicts.filter((v) => !v.pass).length}/${verdicts.length} passed\n`);
  }
  o.out(`scenario ${merged.scenario.name}: ${merged.status.toUpperCase()}\n`);
  if (merged.status !== 'valid') {
    for (const run of merged.runs) for (const reason of run.validity.reasons) o.out(`  ${run.id}: ${reason}\n`);
  }
  o.out(`merged results written to ${file}\n`);
  if (merged.status !== 'valid') return ExitCode.invalidRun;
  return gatesFailed ? ExitCode.gatesFailed : ExitCode.ok;
}
