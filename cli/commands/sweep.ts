/**
 * `ugbench sweep <scenario>`: the peak sustainable rate of every variant x runtime under the
 * p99 SLO. One set of instances per variant x runtime for the whole sweep (built once, untimed);
 * each rate is a full bench run (warm-up, minimum duration and query count: a run that is too
 * short is INVALID and so not sustained) repeated --repeats times and sustained only when a strict
 * majority of repeats are; rates grow geometrically to bracket the knee, then bisect to the
 * stated resolution (cli/sweep/run-series.ts). Writes sweep JSON (harness/results/sweep/results.ts)
 * with every run: the whole curve, each rate's verdict and the knee with its spread.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { Register } from '../main.ts';
import { ExitCode, InputError } from '../../harness/errors.ts';
import { loadScenarioFile } from '../../harness/scenario/load.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import type { Variant } from '../../models/variants.ts';
import { refuseOnnxVariants } from '../bench/resolve.ts';
import { machineFacts } from '../../harness/results/provenance.ts';
import { writeJsonAtomic } from '../../harness/results/io.ts';
import { peakVsServiceRatios } from '../../harness/results/sweep/ratios.ts';
import { SWEEP_SCHEMA_VERSION, type SweepResults, type SweepSeries } from '../../harness/results/sweep/results.ts';
import type { BenchResults, MachineFacts, PairedComparison } from '../../harness/results/contract.ts';
import { machineLimits } from '../../models/limits/measure.ts';
import { closeWarmInstances, createWarmInstances } from '../bench/warm.ts';
import { runBench } from '../bench/run-bench.ts';
import { integerOption, positiveOption } from '../options.ts';
import { runSeries, type SeriesContext, type SweepSettings } from '../sweep/run-series.ts';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export interface SweepFlags {
  sloP99Ms?: number;
  startQps?: number;
  growth: number;
  precision: number;
  repeats: number;
  maxSteps: number;
  maxQps?: number;
  duration?: number;
  warmup?: number;
  minQueries?: number;
  variants?: string;
  out: string;
}

/** The flags `sweep` and `search` share. */
export function sweepOptions(command: Command): Command {
  return command
    .argument('<scenario>', 'scenario YAML with open-loop arrivals (poisson or constant)')
    .option('--slo-p99-ms <ms>', "p99 objective (default: the scenario's slo.p99Ms)", positiveOption)
    .option('--start-qps <qps>', 'first rate tried (default: probe once at the scenario rate, start at half the capacity its mean service time implies)', positiveOption)
    .option('--growth <factor>', 'rate factor between bracketing steps', positiveOption, 1.5)
    .option('--precision <ratio>', 'resolution: stop bisecting when (high - low) / low is below this', positiveOption, 0.05)
    .option('--repeats <n>', 'runs per rate; a rate is sustained when a strict majority are', integerOption(1), 3)
    .option('--max-steps <n>', 'most rates per series (each measured --repeats times)', integerOption(2), 8)
    .option('--max-qps <qps>', 'never try above this rate', positiveOption)
    .option('--duration <s>', 'override run.durationS of every run', positiveOption)
    .option('--warmup <s>', 'override run.warmupS of every run', positiveOption)
    .option('--min-queries <n>', 'override run.minQueries of every run', integerOption(1))
    .option('--variants <list>', 'override the variants, comma-separated')
    .option('--out <file>', 'sweep results JSON', 'sweep.json');
}

export interface PreparedSweep {
  base: Scenario;
  /** the scenario's variants (built-in only: a sweep does not run ONNX variants) */
  variants: Variant[];
  limits: Pick<SweepResults, 'limits' | 'limitsUnavailable'>;
  settings: SweepSettings;
  context: SeriesContext;
  first: () => BenchResults | undefined;
}

export async function prepareSweep(path: string, flags: SweepFlags): Promise<PreparedSweep> {
  const base = loadScenarioFile(path, { durationS: flags.duration, warmupS: flags.warmup, minQueries: flags.minQueries, variants: flags.variants?.split(',').map((v) => v.trim()) });
  const variants = refuseOnnxVariants(base, 'ugbench sweep and search');
  const arrivals = base.traffic.arrivals;
  if (arrivals.process !== 'poisson' && arrivals.process !== 'constant') {
    throw new InputError(path, [`traffic.arrivals.process: expected poisson or constant for a sweep (an open-loop rate), got ${JSON.stringify(arrivals.process)}`]);
  }
  const sloP99Ms = flags.sloP99Ms ?? base.slo?.p99Ms;
  if (sloP99Ms === undefined) throw new InputError(path, ['slo.p99Ms: expected a p99 objective in the scenario or --slo-p99-ms, got nothing']);
  const settings: SweepSettings = { sloP99Ms, startQps: flags.startQps ?? null, growth: flags.growth, resolution: flags.precision, maxRates: flags.maxSteps, maxQps: flags.maxQps, repeats: flags.repeats };
  if (!(settings.growth > 1)) throw new InputError('--growth', [`--growth: expected a factor > 1, got ${settings.growth}`]);
  const machine: MachineFacts = await machineFacts();
  const limits = await roofline();
  let first: BenchResults | undefined;
  const context: SeriesContext = {
    base,
    path,
    root: ROOT,
    machine,
    warm: createWarmInstances(),
    settings,
    log: (line) => process.stderr.write(`${line}\n`),
    onResults: (r) => (first ??= r),
  };
  return { base, variants, limits, settings, context, first: () => first };
}

/** The machine's roofline for capacity's estimates: cached per machine, measured (~20 s, untimed) once. */
async function roofline(): Promise<Pick<SweepResults, 'limits' | 'limitsUnavailable'>> {
  try {
    const outcome = await machineLimits();
    return { limits: outcome.limits };
  } catch (e) {
    return { limits: null, limitsUnavailable: `ugbench limits failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * The model's speedup the peak ratios are checked against: the bench's paired phase (every
 * variant scores the same requests back to back on an idle instance, no cross-request cache), on
 * the sweep's warm instances of the first runtime, before any load. Only with baseline and another variant.
 */
async function pairedPhase(p: PreparedSweep, path: string): Promise<PairedComparison | undefined> {
  if (!p.variants.includes('baseline') || p.variants.length < 2) return undefined;
  // the scenario's own run length, not the sweep's per-step overrides: its plan is what the
  // paired sample is drawn from, and a short plan leaves the candidate buckets a few requests each
  const own = loadScenarioFile(path, { variants: [...p.variants] });
  const scenario: Scenario = { ...own, runtimes: own.runtimes.slice(0, 1) };
  const results = await runBench({ scenario, scenarioPath: resolve(path), root: ROOT, machine: p.context.machine, warm: p.context.warm, pairedOnly: true, log: p.context.log });
  return results.paired;
}

export function sweepFile(p: PreparedSweep, path: string, series: SweepSeries[], extra: Pick<SweepResults, 'search' | 'paired'> = {}): SweepResults {
  const first = p.first();
  const s = p.settings;
  return {
    kind: 'ugbench-sweep',
    schemaVersion: SWEEP_SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    sloP99Ms: s.sloP99Ms,
    scenario: { path: resolve(path), name: p.base.name, effective: p.base },
    git: first?.git ?? { commit: null, dirty: null },
    machine: p.context.machine,
    packages: first?.packages ?? {},
    series,
    method: {
      repeats: s.repeats,
      resolution: s.resolution,
      growth: s.growth,
      warm: p.base.target.kind !== 'http',
      note: `each rate run ${s.repeats} time(s) on the same instances (in-process; an HTTP target restarts its server per run), sustained when a strict majority of runs met the rule; bisection stops when (high - low) / low < ${s.resolution}`,
    },
    ...p.limits,
    ...extra,
  };
}

export function printSeries(series: readonly SweepSeries[], sloP99Ms: number, paired?: PairedComparison): void {
  const r = (x: number | null) => (x === null ? '-' : x.toFixed(3));
  for (const p of peakVsServiceRatios(series, sloP99Ms, paired)) {
    const head = `${p.variant} / ${p.over}${p.configLabel ? ` ${p.configLabel}` : ''}: peak ratio ${r(p.peakRatio)}`;
    if (p.paired) {
      const vs = p.peakRatio !== null ? ` (peak ratio / paired speedup ${r(p.peakRatio / p.paired.ratio)})` : '';
      process.stdout.write(`${head}, paired service-time speedup ${r(p.paired.ratio)} [${r(p.paired.lo95)}, ${r(p.paired.hi95)}] in the ${p.paired.bucket} candidates bucket (n=${p.paired.n})${vs}\n`);
      process.stdout.write(`  mean candidates per request ${p.meanCandidates?.toFixed(1) ?? '-'}; low-load mean service-time ratio ${r(p.serviceRatio)}\n`);
    } else {
      const off = p.peakRatio !== null && p.serviceRatio !== null ? ` (peak ratio / service ratio ${r(p.peakRatio / p.serviceRatio)})` : '';
      process.stdout.write(`${head}, low-load service-time ratio ${r(p.serviceRatio)} at ${p.meanCandidates?.toFixed(1) ?? '-'} candidates per request${off}\n`);
    }
    if (p.modelPeakRatio !== null) {
      const vs = p.peakRatio !== null ? ` (measured / predicted ${r(p.peakRatio / p.modelPeakRatio)})` : '';
      process.stdout.write(`  a queue of the measured low-load service times under the same p99 <= ${sloP99Ms} ms predicts a peak ratio of ${r(p.modelPeakRatio)}${vs}: the SLO's headroom over each variant's own service tail, beyond the mean ratio\n`);
    }
  }
  for (const s of series) {
    const spread = s.knee?.spread ? ` knee in [${s.knee.spread.lowQps.toFixed(1)}, ${s.knee.spread.highQps.toFixed(1)}]` : '';
    process.stdout.write(`${s.id.padEnd(28)} peak ${s.peakQps === null ? '-'.padStart(8) : s.peakQps.toFixed(1).padStart(8)} req/s under p99 <= ${sloP99Ms} ms${spread}  (${s.rates?.length ?? s.steps.length} rates, ${s.stopped})\n`);
  }
}

export const registerSweep: Register = (program, setExit) => {
  sweepOptions(program.command('sweep').description('find the peak sustainable QPS of every variant x runtime under the p99 SLO (repeated rate steps on warm instances, then bisection)')).action(
    async (path: string, flags: SweepFlags) => {
      const prepared = await prepareSweep(path, flags);
      const series: SweepSeries[] = [];
      let paired: PairedComparison | undefined;
      try {
        paired = await pairedPhase(prepared, path);
        for (const runtime of prepared.base.runtimes) {
          for (const variant of prepared.variants) series.push(await runSeries(prepared.context, variant, runtime));
        }
      } finally {
        await closeWarmInstances(prepared.context.warm);
      }
      writeJsonAtomic(resolve(flags.out), sweepFile(prepared, path, series, paired ? { paired } : {}));
      printSeries(series, prepared.settings.sloP99Ms, paired);
      process.stdout.write(`sweep written to ${resolve(flags.out)}\n`);
      // a series with no sustainable rate is a finding (the SLO is out of reach here), not an invalid sweep
      setExit(ExitCode.ok);
    },
  );
};
