/**
 * What the peak-rate benchmarks share (bench:instances, bench:batching): one open-loop probe of a
 * pool at a rate on the default scenario's traffic, judged by the sweep's sustainability rule; a
 * first rate from measured service time; and a turn-taker so two searches alternate their probes
 * and both see the same machine.
 */
import { HrClock } from '../harness/loadgen/clock.ts';
import { measure } from '../harness/loadgen/measure.ts';
import { buildPlan } from '../harness/loadgen/traffic/plan.ts';
import { toRunResult } from '../harness/results/run-result.ts';
import type { StepOutcome } from '../harness/results/sweep/search.ts';
import { sustainReasons } from '../harness/results/sweep/sustainable.ts';
import type { Scenario } from '../harness/scenario/schema.ts';
import type { ModelConfig } from '../models/config.ts';
import type { InstancePool } from '../models/instances/pool.ts';
import { batchingFacts } from '../models/instances/batcher.ts';
import { createInProcessSut } from '../models/sut/in-process.ts';
import { prepareRequestSamples } from '../models/sut/samples.ts';

export const clock = new HrClock();

export interface Probe extends StepOutcome {
  p99Ms: number;
  samples: number;
  lateShare: number;
  achievedQps: number;
  /** requests per batch size (the `batch` tag), when batching was on */
  batchSizes: Record<string, number>;
}

/** One probe: warm-up 1 s, then 5 s measured at `rateQps` (cache off: the instances' compute is what is compared); valid with half the planned requests. */
export async function probe(base: Scenario, config: ModelConfig, pool: InstancePool, runtimeName: string, rateQps: number, sloP99Ms: number): Promise<Probe> {
  const scenario: Scenario = { ...base, traffic: { ...base.traffic, arrivals: { process: 'poisson', rateQps } }, cache: { ...base.cache, enabled: false }, run: { ...base.run, warmupS: 1, durationS: 5, minQueries: Math.max(3, Math.round(0.5 * rateQps * 5)) } };
  const plan = buildPlan(scenario);
  const samples = prepareRequestSamples(config, scenario.seed, plan);
  const sut = createInProcessSut({ pool, samples });
  const record = await measure({ scenario, plan, sut, clock });
  const run = toRunResult(
    record,
    sut,
    { variant: pool.variant, runtimeName, requestedRuntime: runtimeName, runtime: { ...pool.info, instances: pool.size, ...batchingFacts(pool) }, userCache: { used: false, capacityBytes: null, capacityUsers: null, ttlMs: null, forcedHitRate: null, stateBytesPerUser: null }, cost: () => null },
    scenario,
  );
  const reasons = sustainReasons(run, rateQps, { sloP99Ms });
  const issued = Math.max(1, run.counts.issued);
  const batchSizes = Object.fromEntries(Object.entries(run.tags?.batch ?? {}).map(([size, facts]) => [size, facts.completed]));
  return { targetQps: rateQps, sustainable: reasons.length === 0, reasons, p99Ms: run.latencyUs.overall.p99Us / 1000, samples: run.latencyUs.overall.count, lateShare: run.counts.lateStarts / issued, achievedQps: run.throughput.requestsPerS, batchSizes };
}

/** A first rate to try: half of what the pool's measured service time allows (one request at a time). */
export async function startRate(pool: InstancePool, config: ModelConfig): Promise<number> {
  const samples = prepareRequestSamples(config, 1, { count: 8, userId: new Uint32Array(8), candidates: new Uint32Array(8).fill(64) });
  let serviceUs = 0;
  for (let i = 0; i < 8; i++) {
    const t = samples.get(i);
    const outcome = await pool.run({ userFeatures: t.userFeatures, groupFeatures: t.groupFeatures, place: (free) => ({ slot: free, order: { mode: 'whole' } }) });
    if (outcome.ok && i >= 2) serviceUs += outcome.timingsUs.serviceUs ?? 0; // first two: warm-up
  }
  return Math.max(1, Math.round((0.5 * pool.size * 1e6) / (serviceUs / 6)));
}

/** The sustained probe at the highest rate: the search's peak, as the probe offered it (rounded to 0.1 req/s). */
export function peakProbe(r: { steps: readonly Probe[] }): Probe | undefined {
  return r.steps.filter((s) => s.sustainable).sort((x, y) => y.targetQps - x.targetQps)[0];
}

/**
 * One search in words: the peak probe (p99, the requests it rests on, late starts, and `extra`
 * facts of it), or why not even the lowest rate held; then every probe with its verdict.
 */
export function describeSearch(r: { steps: readonly Probe[]; stopped: string }, extra: (peak: Probe) => string = () => ''): { peakQps: number | null; text: string } {
  const peak = peakProbe(r);
  const lowest = [...r.steps].sort((x, y) => x.targetQps - y.targetQps)[0];
  const at = peak
    ? `p99 ${peak.p99Ms.toFixed(1)} ms over ${peak.samples} requests, late starts ${(peak.lateShare * 100).toFixed(1)}%${extra(peak)}`
    : `no sustainable step; at the lowest, ${lowest?.targetQps} req/s: ${lowest?.reasons.join('; ')}, late starts ${((lowest?.lateShare ?? 0) * 100).toFixed(1)}%`;
  const probes = r.steps.map((s) => `${s.targetQps}${s.sustainable ? ' ok' : ' no'}`).join(', ');
  return { peakQps: peak?.targetQps ?? null, text: `peak ${peak?.targetQps ?? 'none'} req/s (${at}; probes ${probes}; ${r.stopped})` };
}

/** Serialises probes of concurrent searches, so a pair's probes alternate and never overlap. */
export function turnTaker(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const next = tail.then(work);
    tail = next.catch(() => {});
    return next;
  };
}
