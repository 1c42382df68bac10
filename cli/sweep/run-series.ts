/**
 * One sweep series, wired: one variant on one runtime configuration, every rate a bench run on
 * the same warm instances (cli/bench/warm.ts: weights and pools built once, untimed), each rate
 * repeated and judged by the sustainability rule (harness/results/sweep/sustainable.ts), the
 * rate found by the repeated search (harness/results/sweep/repeated.ts). `ugbench sweep` and
 * `ugbench search` both call it.
 */
import { resolve } from 'node:path';
import type { MachineFacts, RunResult } from '../../harness/results/contract.ts';
import type { Scenario, RuntimeSpec } from '../../harness/scenario/schema.ts';
import { sweepWithRepeats } from '../../harness/results/sweep/repeated.ts';
import { judgeSustained, owedRequests } from '../../harness/results/sweep/sustainable.ts';
import { requiredSamples } from '../../harness/results/percentile-bound.ts';
import type { SweepConfig, SweepSeries } from '../../harness/results/sweep/results.ts';
import { seriesOf } from '../../harness/results/sweep/series.ts';
import { runBench } from '../bench/run-bench.ts';
import type { WarmInstances } from '../bench/warm.ts';

export interface SweepSettings {
  sloP99Ms: number;
  /** null: probe once at the scenario's rate and start at half the capacity its service time implies */
  startQps: number | null;
  growth: number;
  resolution: number;
  maxRates: number;
  maxQps?: number;
  repeats: number;
}

export interface SeriesContext {
  base: Scenario;
  path: string;
  root: string;
  machine: MachineFacts;
  warm: WarmInstances;
  settings: SweepSettings;
  log: (line: string) => void;
  /** the first bench results (git, packages for the sweep file) */
  onResults?: (results: Awaited<ReturnType<typeof runBench>>) => void;
}

const ms = (us: number) => (us / 1000).toFixed(2);

/** Capacity an idle run implies: instances x parallel requests / mean service time. */
export function capacityFromServiceQps(run: RunResult): number | null {
  const meanUs = run.sutTimingsUs?.service?.meanUs;
  if (meanUs === undefined || !(meanUs > 0)) return null;
  return ((run.runtime.instances ?? 1) * 1e6) / meanUs;
}

/**
 * A run long enough that the repeats of one rate together hold the requests a p99 needs for a 99%
 * upper bound (459), 5% spare for arrivals that fall short: low rates run longer, never shorter
 * than asked.
 */
export function supportedDurationS(durationS: number, targetQps: number, repeats: number): number {
  const needS = (requiredSamples(99) * 1.05) / (repeats * targetQps);
  return Math.max(durationS, Math.ceil(needS * 10) / 10);
}

export async function runSeries(ctx: SeriesContext, variant: string, runtime: RuntimeSpec, config?: SweepConfig): Promise<SweepSeries> {
  const { base, settings } = ctx;
  const arrivals = base.traffic.arrivals;
  if (arrivals.process !== 'poisson' && arrivals.process !== 'constant') throw new Error('sweep: open-loop arrivals expected');
  const label = `${variant}@${runtime.name}${config ? ` ${config.label}` : ''}`;
  const runAt = async (targetQps: number): Promise<RunResult> => {
    const runSettings = { ...base.run, durationS: supportedDurationS(base.run.durationS, targetQps, settings.repeats) };
    const scenario: Scenario = { ...base, run: runSettings, variants: [variant], runtimes: [runtime], traffic: { ...base.traffic, arrivals: { ...arrivals, rateQps: targetQps } } };
    // each step measures load; the paired (model-speedup) phase belongs to `ugbench bench`
    const results = await runBench({ scenario, scenarioPath: resolve(ctx.path), root: ctx.root, machine: ctx.machine, warm: ctx.warm, pairedPerBucket: 0 });
    ctx.onResults?.(results);
    const run = results.runs[0];
    if (!run) throw new Error(`sweep: bench produced no run for ${label}`);
    return run;
  };
  let startQps = settings.startQps;
  if (startQps === null) {
    const probe = await runAt(arrivals.rateQps);
    const capacity = capacityFromServiceQps(probe);
    startQps = capacity === null ? arrivals.rateQps : Math.max(arrivals.rateQps, capacity / 2);
    ctx.log(`${label}: probe at ${arrivals.rateQps} req/s: mean service ${probe.sutTimingsUs?.service ? ms(probe.sutTimingsUs.service.meanUs) : '-'} ms -> capacity ~${capacity?.toFixed(1) ?? '?'} req/s, start at ${startQps.toFixed(1)}`);
  }
  const found = await sweepWithRepeats(
    async (targetQps) => {
      const run = await runAt(targetQps);
      return { run, reasons: judgeSustained(run, targetQps, { sloP99Ms: settings.sloP99Ms }), owed: owedRequests(run) };
    },
    {
      startQps,
      growth: settings.growth,
      relativePrecision: settings.resolution,
      maxSteps: settings.maxRates,
      maxQps: settings.maxQps,
      repeats: settings.repeats,
      onRepeat: (qps, i, reasons) => ctx.log(`${label} @ ${qps.toFixed(1)} req/s, repeat ${i + 1}/${settings.repeats}: ${reasons.length === 0 ? 'sustained' : `not sustained (${reasons.map((r) => r.text).join('; ')})`}`),
    },
  );
  const id = config ? `${variant}@${runtime.name} ${config.label}` : `${variant}@${runtime.name}`;
  const series = seriesOf({ id, variant, runtime: found.steps[0]?.repeats[0]?.run.runtime.runtime ?? runtime.name, ...(config ? { config } : {}) }, found);
  const k = found.knee;
  ctx.log(`${label}: peak ${k.peakQps === null ? 'none found' : `${k.peakQps.toFixed(1)} req/s`}, knee in [${k.spread ? `${k.spread.lowQps.toFixed(1)}, ${k.spread.highQps.toFixed(1)}` : '-'}] (${found.stopped}, ${found.steps.length} rates x ${settings.repeats} repeats)`);
  return series;
}
