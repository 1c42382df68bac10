import { INT8_KERNEL_CHOICES, parseInt8KernelChoice } from '../../models/onnx/options.ts';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Register } from '../main.ts';
import { integerOption } from '../options.ts';
import { InputError, printable } from '../../harness/errors.ts';
import { loadScenarioFile, type ScenarioOverrides } from '../../harness/scenario/load.ts';
import { claimResultsDir, writeJsonAtomic } from '../../harness/results/io.ts';
import { runBench } from '../bench/run-bench.ts';
import { createProgress } from '../bench/progress.ts';
import { formatResultsTable } from '../bench/table.ts';
import { formatPairedTable } from '../../reports/paired-table.ts';
import { DEFAULT_PAIRED_PER_BUCKET } from '../bench/paired-phase.ts';
import { reportVerdict } from '../bench/verdict.ts';
import { parseShardSpec } from '../../harness/loadgen/traffic/shard.ts';
import { InvalidArgumentError, type Command } from 'commander';
import { collectLabel, formatLabels } from '../labels.ts';
import { readResultsFile } from '../../harness/results/read.ts';
import type { BenchResults } from '../../harness/results/contract.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const DEFAULT_SCENARIO = join(ROOT, 'scenarios', 'default.yaml');

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got ${JSON.stringify(value)}`);
  return n;
}
function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number >= 0, got ${JSON.stringify(value)}`);
  return n;
}

interface BenchCliOptions {
  out?: string;
  int8Kernel?: string;
  duration?: number;
  warmup?: number;
  minQueries?: number;
  runtime?: string;
  variants?: string;
  preset?: string;
  rate?: number;
  seed?: number;
  progress: boolean;
  report: boolean;
  limits: boolean;
  shard?: string;
  workers?: number;
  label?: Record<string, string>;
  json?: boolean;
  wide?: boolean;
  paired?: number;
}

function overridesFrom(opts: BenchCliOptions): ScenarioOverrides {
  return {
    durationS: opts.duration,
    warmupS: opts.warmup,
    minQueries: opts.minQueries,
    runtime: opts.runtime,
    variants: opts.variants?.split(',').map((v) => v.trim()),
    preset: opts.preset,
    rateQps: opts.rate,
    seed: opts.seed,
  };
}

/** The paired speedups first (the model's speedup), then the open-loop table. */
function printTables(results: BenchResults, human: NodeJS.WritableStream, wide: boolean): void {
  if (results.paired) human.write(printable(`\n${formatPairedTable(results.paired)}\n`));
  human.write(printable(`\n${formatResultsTable(results, { wide })}\n\n`));
}

/** The options of `ugbench bench`, on its command. */
function benchOptions(command: Command): Command {
  return command
    .option('--out <dir>', 'results directory (default results/<UTC timestamp>)')
    .option('--duration <s>', 'override run.durationS', positiveNumber)
    .option('--warmup <s>', 'override run.warmupS', nonNegativeNumber)
    .option('--min-queries <n>', 'override run.minQueries', integerOption(0))
    .option('--runtime <name>', 'override every runtime: auto, reference, ort-cpu, ...')
    .option('--int8-kernel <name>', `override every runtime's int8Kernel (ugsep-w8a16 on ORT): ${INT8_KERNEL_CHOICES.join(', ')}`)
    .option('--variants <list>', 'override the variants, comma-separated')
    .option('--preset <name>', 'override the model preset (drops model.config and model.byRuntime)')
    .option('--rate <qps>', 'override the open-loop arrival rate', positiveNumber)
    .option('--seed <n>', 'override the scenario seed', integerOption(0))
    .option('--no-progress', 'no progress bar or progress lines')
    .option('--no-report', 'do not render report.html and the charts beside the results')
    .option('--no-limits', 'do not measure machine limits for the roofline (uses cached ones if any)')
    .option('--shard <i/n>', 'run only segment i (0-based) of n of the plan, split by user id; merge the n results with `ugbench merge`')
    .option('--workers <k>', 'run the plan as k shards in k worker threads here and merge them', integerOption(1))
    .option('--label <key=value>', 'tag the run (repeatable); stored in results.json `labels` and shown by every export', collectLabel)
    .option('--paired <n>', `paired requests per candidate bucket scored by every variant back to back before the open-loop runs; 0 = none (default ${DEFAULT_PAIRED_PER_BUCKET})`, integerOption(0))
    .option('--json', 'print the results JSON on stdout; the table and messages go to stderr')
    .option('--wide', 'print every column of the run table (default: the columns that fit 100 characters)');
}

export const registerBench: Register = (program, setExit) => {
  benchOptions(program.command('bench'))
    .description('run a scenario: every variant x runtime on the same traffic plan; writes results JSON and prints a table')
    .argument('[scenario]', 'scenario YAML file', DEFAULT_SCENARIO)
    .action(async (path: string, opts: BenchCliOptions) => {
      const scenario = loadScenarioFile(path, overridesFrom(opts));
      if (opts.int8Kernel !== undefined) for (const r of scenario.runtimes) r.int8Kernel = parseInt8KernelChoice(opts.int8Kernel, '--int8-kernel');
      const started = Date.now();
      const shard = opts.shard !== undefined ? parseShardSpec(opts.shard) : undefined;
      if (shard && opts.workers !== undefined) throw new InputError('bench', ['--shard and --workers: expected one of them, got both']);
      const outDir = opts.out ?? claimResultsDir();

      // Ctrl-C or SIGTERM (Kubernetes, CI timeouts, `timeout`): stop issuing, let in-flight
      // requests finish, write what was measured marked aborted (exit 98). A second one exits at once.
      const abort = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => {
        if (abort.signal.aborted) process.exit(signal === 'SIGTERM' ? 143 : 130);
        process.stderr.write(`\nugbench: ${signal}: finishing in-flight requests and writing what was measured, marked aborted (${signal} again to quit now)\n`);
        abort.abort();
      };
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, onSignal);
      try {
        if (opts.workers !== undefined) {
          const { benchWithWorkers } = await import('../bench/bench-workers.ts'); // loads the merge and the charting
          setExit(await benchWithWorkers({ scenario, scenarioPath: resolve(path), root: ROOT, workers: opts.workers, outDir, signal: abort.signal, report: opts.report }));
          const merged = join(outDir, 'results.json');
          if (opts.label) writeJsonAtomic(merged, { ...readResultsFile(merged), labels: opts.label });
          if (opts.json) process.stdout.write(`${JSON.stringify(readResultsFile(merged), null, 2)}\n`);
          return;
        }
        const progress = opts.progress ? createProgress() : undefined;
        const results = await runBench({
          scenario,
          scenarioPath: resolve(path),
          root: ROOT,
          signal: abort.signal,
          progress,
          log: (line) => process.stderr.write(`${line}\n`),
          shard,
          pairedPerBucket: opts.paired,
        });
        if (opts.label) results.labels = opts.label;
        const file = join(outDir, 'results.json');
        writeJsonAtomic(file, results);
        const human = opts.json ? process.stderr : process.stdout; // --json keeps stdout for the JSON alone
        printTables(results, human, opts.wide ?? false);
        if (opts.label) human.write(printable(`labels: ${formatLabels(opts.label)}\n`));
        human.write(printable(`results written to ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`));
        if (opts.report) {
          // charting (vega, resvg) loads only once there is something to render, not at start-up
          const { renderAfterBench } = await import('./report.ts');
          human.write((await renderAfterBench(file, { measureLimits: opts.limits })).text);
        }
        // a shard's validity and SLO are judged on its share; its thresholds by `ugbench merge`
        const code = reportVerdict(results, shard ? `shard ${shard.index}/${shard.count}` : 'this run', (t) => human.write(printable(t)));
        if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
        setExit(code);
      } finally {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
      }
    });
};
