/**
 * The paired phase of a bench, wired: before the open-loop runs, a seeded sample of the plan's
 * requests (spread over the candidate buckets) is scored by every variant of one target back to
 * back, without the cross-request cache (harness/loadgen/paired.ts), and turned into per-bucket
 * speedups with bootstrap intervals and the cost model's prediction (harness/results/paired.ts).
 */
import type { CandidateBucket } from '../../harness/loadgen/candidate-buckets.ts';
import { pairedSampleIndices, runPaired } from '../../harness/loadgen/paired.ts';
import type { TrafficPlan } from '../../harness/loadgen/traffic/plan.ts';
import type { ModelFacts, PairedComparison } from '../../harness/results/contract.ts';
import { predictedSpeedup } from '../../harness/results/model.ts';
import { pairedComparison, type PairPrediction, type SpeedupPair } from '../../harness/results/paired.ts';
import { VARIANT_TRAITS, type Variant } from '../../models/variants.ts';
import type { Progress } from './progress.ts';
import type { BenchTarget } from './systems.ts';

/**
 * Paired requests per candidate bucket by default: >= 10 per bucket for an interval, and with
 * 6-8 buckets few enough that the default bench (small model, three variants) spends seconds here.
 */
export const DEFAULT_PAIRED_PER_BUCKET = 12;

/** Every variant over the baseline (when it ran), and an int8-weight variant over its fp32 twin (when both ran). */
export function speedupPairs(variants: readonly Variant[]): SpeedupPair[] {
  const baseline = variants.find((v) => !VARIANT_TRAITS[v].masked && !VARIANT_TRAITS[v].int8Weights);
  const pairs: SpeedupPair[] = baseline ? variants.filter((v) => v !== baseline).map((v) => ({ variant: v, over: baseline })) : [];
  for (const v of variants) {
    const t = VARIANT_TRAITS[v];
    if (!t.int8Weights) continue;
    const twin = variants.find((w) => w !== v && VARIANT_TRAITS[w].masked === t.masked && VARIANT_TRAITS[w].compensation === t.compensation && !VARIANT_TRAITS[w].int8Weights);
    if (twin && twin !== baseline) pairs.push({ variant: v, over: twin });
  }
  return pairs;
}

/** The cost model's FLOP ratio of a pair: the one predicted-speedup function, over baseline, divided. */
export function flopPrediction(models: ReadonlyMap<string, Pick<ModelFacts, 'cost' | 'baselineCost'>>): PairPrediction {
  return (pair, candidates) => {
    const v = models.get(pair.variant);
    const o = models.get(pair.over);
    return v && o ? { predictedFlopRatio: predictedSpeedup(v, candidates) / predictedSpeedup(o, candidates) } : {};
  };
}

export interface PairedPhaseOptions {
  plan: TrafficPlan;
  buckets: readonly CandidateBucket[];
  seed: number;
  perBucket: number;
  signal?: AbortSignal;
  progress?: Progress;
  log: (line: string) => void;
}

/** The paired comparison of one target's variants; undefined when it cannot run (said in the log). */
export async function runPairedPhase(target: BenchTarget, o: PairedPhaseOptions): Promise<PairedComparison | undefined> {
  const systems = target.systems.flatMap((s) => (s.pairedSut ? [{ name: s.variant, sut: s.pairedSut }] : []));
  if (systems.length < 2 || systems.length < target.systems.length) {
    o.log(`paired phase skipped: ${target.pairedUnavailable ?? 'it needs at least two variants'}`);
    return undefined;
  }
  const indices = pairedSampleIndices(o.plan, o.buckets, o.perBucket, o.seed);
  o.log(`paired phase: ${indices.length} requests x ${systems.length} variants on ${target.runtimeName}, back to back, order rotating, no cross-request cache`);
  o.progress?.start('paired', indices.length);
  const startedMs = performance.now();
  const run = await runPaired({ systems, plan: o.plan, buckets: o.buckets, indices, signal: o.signal, onProgress: (d, p) => o.progress?.update(d, p) });
  o.progress?.stop();
  o.log(`paired phase: done in ${((performance.now() - startedMs) / 1000).toFixed(1)} s (wall time, part of the bench's total)`);
  for (const e of run.excluded.slice(0, 5)) o.log(`paired phase: request ${e.index} left out: ${e.reason}`);
  if (run.excluded.length > 0) o.log(`paired phase: ${run.excluded.length} of ${indices.length} requests left out`);
  if (run.rows.length === 0) return undefined;
  const models = new Map(target.systems.flatMap((s) => (s.identity.model ? [[s.variant as string, s.identity.model] as const] : [])));
  return pairedComparison({
    seed: o.seed,
    runtime: target.runtimeName,
    variants: systems.map((s) => s.name),
    samples: run.rows,
    buckets: o.buckets,
    pairs: speedupPairs(target.systems.map((s) => s.variant)),
    predict: flopPrediction(models),
  });
}
