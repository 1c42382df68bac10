/**
 * `ugbench merge <shard results...> [--out DIR]`: shard files of one run (`ugbench bench
 * --shard i/n`, on one machine or many) -> one results file, its report and its gate verdicts.
 * Exit 104 when the files do not belong together (different scenarios, seeds, shard counts or
 * plans, a shard given twice), 98 when a shard is missing or the merged run is invalid, 99 when
 * a gate fails, else 0.
 */
import type { Register } from '../main.ts';
import { claimResultsDir } from '../../harness/results/io.ts';
import { readResultsFile } from '../../harness/results/read.ts';
import { mergeShardResults } from '../../harness/results/merge/merge-results.ts';
import { finishMerged } from '../merge/finish-merged.ts';

export const registerMerge: Register = (program, setExit) => {
  program
    .command('merge')
    .description('merge the shard results of a sharded run (bench --shard i/n) exactly: histograms added, counters summed, validity and gates judged once on the whole')
    .argument('<shards...>', 'results.json files written by `ugbench bench --shard i/n`')
    .option('--out <dir>', 'directory for the merged results.json and report (default results/<UTC timestamp>)')
    .option('--no-report', 'skip rendering the report')
    .action(async (paths: string[], opts: { out?: string; report: boolean }) => {
      const files = paths.map((source) => ({ source, results: readResultsFile(source) }));
      const merged = mergeShardResults(files);
      const code = await finishMerged(merged, { outDir: opts.out ?? claimResultsDir(), out: (t) => process.stdout.write(t), report: opts.report });
      setExit(code);
    });
};
