/**
 * The `--workers K` branch of `ugbench bench`: run the K shards in worker threads, keep each
 * shard file under shards/ (so `ugbench merge DIR/shards/*.json` reproduces the merge), then
 * merge and finish exactly like `ugbench merge`. Returns the exit code.
 */
import { join } from 'node:path';
import { mergeShardResults } from '../../harness/results/merge/merge-results.ts';
import { writeJsonAtomic } from '../../harness/results/io.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import { finishMerged } from '../merge/finish-merged.ts';
import { runShardWorkers } from './workers.ts';

export interface BenchWorkersOptions {
  scenario: Scenario;
  scenarioPath: string | null;
  root: string;
  workers: number;
  outDir: string;
  signal?: AbortSignal;
  report: boolean;
}

export async function benchWithWorkers(o: BenchWorkersOptions): Promise<number> {
  const started = Date.now();
  const shards = await runShardWorkers({ ...o, log: (line) => process.stderr.write(`${line}\n`) });
  const files = shards.map((results) => {
    const source = join(o.outDir, 'shards', `shard-${results.shard!.index}-of-${results.shard!.count}.json`);
    writeJsonAtomic(source, results);
    return { source, results };
  });
  const merged = mergeShardResults(files);
  const code = await finishMerged(merged, { outDir: o.outDir, out: (t) => process.stdout.write(t), report: o.report });
  process.stdout.write(`${o.workers} workers in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return code;
}
