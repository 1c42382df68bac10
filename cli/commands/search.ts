/**
 * `ugbench search <scenario> [--grid i1-t1,i1-t2,i2-t1]`: a configuration search like Model
 * Analyzer's. For every configuration of the grid (harness/results/sweep/grid.ts: model instances
 * x intra-op threads, x dynamic batching where the runtime has it) and every variant, a full
 * sweep (cli/sweep/run-series.ts: repeated rates on warm instances, bisection); then the best
 * configuration per variant by peak rate under the SLO. The sweep file keeps every series (the
 * whole table) and `search.best`; `ugbench capacity` reads it like any sweep.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Register } from '../main.ts';
import { ExitCode, InputError } from '../../harness/errors.ts';
import { writeJsonAtomic } from '../../harness/results/io.ts';
import { bestPerVariant, defaultGrid, parseGrid } from '../../harness/results/sweep/grid.ts';
import type { SweepConfig, SweepSeries } from '../../harness/results/sweep/results.ts';
import type { RuntimeSpec } from '../../harness/scenario/schema.ts';
import { parseScenario } from '../../harness/scenario/load.ts';
import { closeWarmInstances } from '../bench/warm.ts';
import { integerOption } from '../options.ts';
import { runSeries } from '../sweep/run-series.ts';
import { prepareSweep, printSeries, sweepFile, sweepOptions, type SweepFlags } from './sweep.ts';

interface SearchFlags extends SweepFlags {
  grid?: string;
  maxBatch?: string;
  maxQueueDelayUs: number;
}

/** Whether this build's runtimes take `batching` (the scenario schema accepts it): otherwise a batching axis would relabel identical runs. */
function batchingSupported(): boolean {
  try {
    const traffic = { arrivals: { process: 'constant', rateQps: 1 } };
    parseScenario({ name: 'batching-probe', traffic, runtimes: [{ name: 'auto', batching: { maxBatch: 2, maxQueueDelayUs: 0 } }] }, 'batching probe');
    return true;
  } catch {
    return false;
  }
}

/** The default grid's batching axis: off, and Triton-like batches of up to 8 (where the runtimes batch). */
export const DEFAULT_MAX_BATCH_AXIS = '1,8';

function batchingAxis(flags: SearchFlags): (SweepConfig['batching'] | undefined)[] {
  const supported = batchingSupported();
  // the default axis only where the runtimes batch; an asked-for one is refused below otherwise
  const text = flags.maxBatch ?? (supported ? DEFAULT_MAX_BATCH_AXIS : undefined);
  if (text === undefined) return [undefined];
  const sizes = text.split(',').map((v) => Number(v.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new InputError('--max-batch', [`expected comma-separated integers >= 1, got ${JSON.stringify(text)}`]);
  if (!supported) throw new InputError('--max-batch', ['this build has no dynamic batching (the scenario schema takes no runtimes[].batching), so the batching axis cannot be searched']);
  return sizes.map((maxBatch) => (maxBatch === 1 ? undefined : { maxBatch, maxQueueDelayUs: flags.maxQueueDelayUs }));
}

function gridOf(flags: SearchFlags): SweepConfig[] {
  if (flags.grid === undefined) return defaultGrid(availableParallelism(), batchingAxis(flags));
  const parsed = parseGrid(flags.grid);
  if ('bad' in parsed) throw new InputError('--grid', [`expected comma-separated i<instances>-t<threads>[-b<maxBatch>-d<maxQueueDelayUs>], got ${JSON.stringify(parsed.bad)}`]);
  if (parsed.grid.some((c) => c.batching) && !batchingSupported()) throw new InputError('--grid', ['this build has no dynamic batching (runtimes[].batching), so -b<maxBatch> configurations cannot run']);
  return parsed.grid;
}

function runtimeWith(runtime: RuntimeSpec, config: SweepConfig): RuntimeSpec {
  const spec: Record<string, unknown> = { ...runtime, instances: config.instances, threads: config.threads ?? undefined };
  if (config.batching) spec.batching = config.batching; // read by runtimes that batch (ignored by the schema type until they do)
  return spec as RuntimeSpec;
}

export const registerSearch: Register = (program, setExit) => {
  sweepOptions(program.command('search').description('configuration search: sweep every variant on each configuration of a grid (instances x threads x batching), keep the table, report the best per variant'))
    .option('--grid <list>', 'configurations, comma-separated i<instances>-t<threads>[-b<maxBatch>-d<maxQueueDelayUs>] (default: every power-of-two split of the cores, x --max-batch)')
    .option('--max-batch <list>', `batching axis of the default grid: max batch sizes, comma-separated (1 = no batching); default ${DEFAULT_MAX_BATCH_AXIS}`)
    .option('--max-queue-delay-us <us>', 'max queue delay of the batching axis', integerOption(0), 2000)
    .action(async (path: string, flags: SearchFlags) => {
      const grid = gridOf(flags);
      const prepared = await prepareSweep(path, flags);
      const series: SweepSeries[] = [];
      try {
        for (const runtime of prepared.base.runtimes) {
          for (const config of grid) {
            for (const variant of prepared.variants) series.push(await runSeries(prepared.context, variant, runtimeWith(runtime, config), config));
            await closeWarmInstances(prepared.context.warm); // one configuration's instances at a time
          }
        }
      } finally {
        await closeWarmInstances(prepared.context.warm);
      }
      const best = bestPerVariant(series);
      writeJsonAtomic(resolve(flags.out), sweepFile(prepared, path, series, { search: { grid, best } }));
      printSeries(series, prepared.settings.sloP99Ms);
      for (const b of best) process.stdout.write(`best for ${b.variant}@${b.runtime}: ${b.seriesId ?? 'no configuration met the SLO at any rate tried'}${b.peakQps === null ? '' : ` at ${b.peakQps.toFixed(1)} req/s`}\n`);
      process.stdout.write(`search written to ${resolve(flags.out)}\n`);
      setExit(ExitCode.ok);
    });
};
