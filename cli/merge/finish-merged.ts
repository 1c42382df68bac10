/**
 * What `ugbench merge` and `ugbench bench --workers K` do with merged results: write them
 * atomically, print the table, render the report the way `ugbench report` does, and judge the
 * merged data once (cli/bench/verdict.ts; thresholds on shards would judge 1/n of the traffic).
 * Returns the exit code: 98 when the merge is not valid (a missing shard, a short run: its
 * numbers cannot be trusted either way), else 99 when the SLO or a threshold failed, else 0.
 */
import { join } from 'node:path';
import type { BenchResults } from '../../harness/results/contract.ts';
import { writeJsonAtomic } from '../../harness/results/io.ts';
import { formatResultsTable } from '../bench/table.ts';
import { reportVerdict } from '../bench/verdict.ts';
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

  const code = reportVerdict(merged, 'the merged data', o.out);
  o.out(`merged results written to ${file}\n`);
  return code;
}
