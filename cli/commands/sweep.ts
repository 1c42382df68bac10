/**
 * `ugbench sweep <scenario>`: the peak sustainable rate of every variant x runtime under the
 * p99 SLO. Each step is a full bench run (warm-up, minimum duration and query count: a step that
 * is too short is INVALID and so not sustainable) of one variant on one runtime at one open-loop
 * rate; rates grow geometrically to bracket the knee, then bisect (harness/results/sweep/search.ts).
 * Writes sweep JSON (harness/results/sweep/results.ts) with every step's RunResult: the whole curve.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from 'commander';
import type { Register } from '../main.ts';
import { ExitCode, InputError } from '../../harness/errors.ts';
import { loadScenarioFile } from '../../harness/scenario/load.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import { machineFacts } from '../../harness/results/provenance.ts';
import { writeJsonAtomic } from '../../harness/results/io.ts';
import { findPeakQps } from '../../harness/results/sweep/search.ts';
import { sustainReasons } from '../../harness/results/sweep/sustainable.ts';
import { SWEEP_SCHEMA_VERSION, type SweepResults, type SweepSeries, type SweepStep } from '../../harness/results/sweep/results.ts';
import { runBench } from '../bench/run-bench.ts';
import { integerOption } from '../options.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got ${JSON.stringify(value)}`);
  return n;
}

interface SweepFlags {
  sloP99Ms?: number;
  startQps?: number;
  growth: number;
  precision: number;
  maxSteps: number;
  maxQps?: number;
  duration?: number;
  warmup?: number;
  variants?: string;
  out: string;
}

export const registerSweep: Register = (program, setExit) => {
  program
    .command('sweep')
    .description('find the peak sustainable QPS of every variant x runtime under the p99 SLO (rate steps, then bisection)')
    .argument('<scenario>', 'scenario YAML with open-loop arrivals (poisson or constant)')
    .option('--slo-p99-ms <ms>', "p99 objective (default: the scenario's slo.p99Ms)", positive)
    .option('--start-qps <qps>', "first rate tried (default: the scenario's rate)", positive)
    .option('--growth <factor>', 'rate factor between bracketing steps', positive, 2)
    .option('--precision <ratio>', 'stop bisecting when (high - low) / low is below this', positive, 0.1)
    .option('--max-steps <n>', 'most runs per variant x runtime', integerOption(2), 10)
    .option('--max-qps <qps>', 'never try above this rate', positive)
    .option('--duration <s>', 'override run.durationS of every step', positive)
    .option('--warmup <s>', 'override run.warmupS of every step', positive)
    .option('--variants <list>', 'override the variants, comma-separated')
    .option('--out <file>', 'sweep results JSON', 'sweep.json')
    .action(async (path: string, flags: SweepFlags) => {
      const base = loadScenarioFile(path, { durationS: flags.duration, warmupS: flags.warmup, variants: flags.variants?.split(',').map((v) => v.trim()) });
      const arrivals = base.traffic.arrivals;
      if (arrivals.process !== 'poisson' && arrivals.process !== 'constant') {
        throw new InputError(path, [`traffic.arrivals.process: expected poisson or constant for a sweep (an open-loop rate), got ${JSON.stringify(arrivals.process)}`]);
      }
      const sloP99Ms = flags.sloP99Ms ?? base.slo?.p99Ms;
      if (sloP99Ms === undefined) throw new InputError(path, ['slo.p99Ms: expected a p99 objective in the scenario or --slo-p99-ms, got nothing']);
      const startQps = flags.startQps ?? arrivals.rateQps;
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const machine = await machineFacts();
      const series: SweepSeries[] = [];
      let first: Awaited<ReturnType<typeof runBench>> | undefined;

      for (const runtime of base.runtimes) {
        for (const variant of base.variants) {
          const label = `${variant}@${runtime.name}`;
          const steps: SweepStep[] = [];
          const measureAt = async (targetQps: number) => {
            const scenario: Scenario = { ...base, variants: [variant], runtimes: [runtime], traffic: { ...base.traffic, arrivals: { ...arrivals, rateQps: targetQps } } };
            const results = await runBench({ scenario, scenarioPath: resolve(path), root: ROOT, machine });
            first ??= results;
            const run = results.runs[0];
            if (!run) throw new Error(`sweep: bench produced no run for ${label}`);
            const reasons = sustainReasons(run, targetQps, { sloP99Ms });
            const step: SweepStep = { targetQps, sustainable: reasons.length === 0, reasons, run };
            steps.push(step);
            log(`${label} @ ${targetQps.toFixed(1)} req/s: p99 ${(run.latencyUs.overall.p99Us / 1000).toFixed(2)} ms, achieved ${run.throughput.requestsPerS.toFixed(1)} req/s -> ${step.sustainable ? 'sustained' : `not sustained (${reasons.join('; ')})`}`);
            return step;
          };
          const found = await findPeakQps(measureAt, { startQps, growth: flags.growth, relativePrecision: flags.precision, maxSteps: flags.maxSteps, maxQps: flags.maxQps });
          const details = steps[0]?.run.runtime.details ?? {};
          series.push({
            id: steps[0]?.run.id ?? label,
            variant,
            runtime: steps[0]?.run.runtime.runtime ?? runtime.name,
            peakQps: found.peakQps,
            firstUnsustainableQps: found.firstUnsustainableQps,
            stopped: found.stopped,
            steps,
            model: String(details.model ?? ''),
            modelConfig: String(details.modelConfig ?? ''),
          });
          log(`${label}: peak sustainable ${found.peakQps === null ? 'none found' : `${found.peakQps.toFixed(1)} req/s`} (${found.stopped}, ${steps.length} runs)`);
        }
      }

      const out: SweepResults = {
        kind: 'ugbench-sweep',
        schemaVersion: SWEEP_SCHEMA_VERSION,
        createdAt: new Date().toISOString(),
        sloP99Ms,
        scenario: { path: resolve(path), name: base.name, effective: base },
        git: first?.git ?? { commit: null, dirty: null },
        machine,
        packages: first?.packages ?? {},
        series,
      };
      writeJsonAtomic(resolve(flags.out), out);
      for (const s of series) {
        process.stdout.write(`${s.id.padEnd(24)} peak ${s.peakQps === null ? '-' : s.peakQps.toFixed(1).padStart(8)} req/s under p99 <= ${sloP99Ms} ms  (${s.steps.length} steps, ${s.stopped})\n`);
      }
      process.stdout.write(`sweep written to ${resolve(flags.out)}\n`);
      // a series with no sustainable rate is a finding (the SLO is out of reach here), not an invalid sweep
      setExit(ExitCode.ok);
    });
};
