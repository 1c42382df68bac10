/**
 * What every mode that produces results (bench, bench --shard, bench --workers, merge) prints at
 * the end and exits with: the threshold table, then one verdict per run with its reasons, from
 * the one judge (harness/results/judge.ts). Exit 0 pass, 98 invalid, 99 SLO or threshold failed.
 */
import type { BenchResults } from '../../harness/results/contract.ts';
import { formatVerdicts } from '../../harness/results/gates/report.ts';
import { thresholdsFromScenario } from '../../harness/results/gates/source.ts';
import { judgeResults } from '../../harness/results/judge.ts';

/** Print the verdict of `results` (`what`: e.g. 'the merged data') and return the exit code. */
export function reportVerdict(results: BenchResults, what: string, out: (text: string) => void): number {
  // A shard holds 1/n of the traffic: its thresholds (counts, rates) are judged on the merge.
  const all = thresholdsFromScenario(results.scenario.effective, 'scenario');
  const thresholds = results.shard ? [] : all;
  const verdict = judgeResults(results, thresholds);
  if (results.shard && all.length > 0) out(`thresholds: ${all.length} judged on the merged data (\`ugbench merge\`), not on one shard\n`);
  else if (thresholds.length === 0) out('thresholds: none in the scenario\n');
  else {
    for (const line of formatVerdicts(verdict.thresholds)) out(`${line}\n`);
    const passed = verdict.thresholds.filter((v) => v.pass).length;
    out(`thresholds on ${what}: ${passed}/${verdict.thresholds.length} passed\n`);
  }
  for (const run of verdict.runs) {
    out(`${run.runId}: ${run.status.toUpperCase()}\n`);
    for (const reason of run.reasons) out(`  ${reason}\n`);
  }
  out(`scenario ${results.scenario.name}: ${verdict.status.toUpperCase()} (exit ${verdict.exitCode})\n`);
  return verdict.exitCode;
}
