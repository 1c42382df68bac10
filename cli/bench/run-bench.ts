/**
 * The bench, wired: scenario -> plan -> for each runtime: its systems under test, one per variant,
 * all alive at once (weights, instances, samples: untimed) -> the paired phase (every variant on
 * the same sampled requests, back to back) -> per variant the warm-up and measured run, judged
 * and assembled by one loop (./systems.ts) -> the results file. This is the composition root's
 * job: it is the one place that knows both harness/ and models/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HrClock, type Clock } from '../../harness/loadgen/clock.ts';
import { UnavailableError } from '../../harness/errors.ts';
import { gitFacts, machineFacts, packageVersions } from '../../harness/results/provenance.ts';
import { RESULTS_SCHEMA_VERSION, type BenchResults, type MachineFacts, type PairedComparison, type RunResult } from '../../harness/results/contract.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import { buildPlan, describePlan } from '../../harness/loadgen/traffic/plan.ts';
import { planDigest } from '../../harness/loadgen/traffic/plan-digest.ts';
import { shardPlan, type ShardSpec } from '../../harness/loadgen/traffic/shard.ts';
import { shardScenario } from '../../harness/loadgen/traffic/shard-scenario.ts';
import { candidateBuckets, measuredCandidates } from '../../harness/loadgen/candidate-buckets.ts';
import { overallStatus } from '../../harness/results/judge.ts';
import { resolveRuntime, runtimeUnavailableReason, type RuntimeName } from '../../models/runtimes/registry.ts';
import { batchingPolicy } from '../../models/instances/batcher.ts';
import type { Int8KernelChoice } from '../../models/onnx/options.ts';
import { effectiveScenarioHash } from '../../harness/results/compare/same-setup.ts';
import { loadWeights } from '../../models/weights/load.ts';
import type { ModelWeights } from '../../models/weights/layout.ts';
import { builtinVariants, checkScenarioNames, modelFor, modelKey, onnxVariantSpecs } from './resolve.ts';
import { loadOwnVariants } from './own-variants.ts';
import type { Progress } from './progress.ts';
import { measureSystem, openTarget, type ResolvedRuntime, type TargetContext } from './systems.ts';
import { DEFAULT_PAIRED_PER_BUCKET, runPairedPhase } from './paired-phase.ts';
import type { WarmInstances } from './warm.ts';

export interface BenchOptions {
  scenario: Scenario;
  scenarioPath: string | null;
  /** project root, for git and package versions */
  root: string;
  clock?: Clock;
  signal?: AbortSignal;
  progress?: Progress;
  /** one line per phase (setup, run done) */
  log?: (line: string) => void;
  /** for tests: skip systeminformation */
  machine?: MachineFacts;
  /** run only this segment of the plan (issue 9: `--shard i/n`, `--workers K`) */
  shard?: ShardSpec;
  /** paired requests per candidate bucket (0: no paired phase); default DEFAULT_PAIRED_PER_BUCKET */
  pairedPerBucket?: number;
  /** the paired phase only, no load (`ugbench sweep`'s model speedup); the results carry no runs */
  pairedOnly?: boolean;
  /** keep weights and instance pools across calls (`ugbench sweep`: no rebuild per step); the caller closes them */
  warm?: WarmInstances;
  /** observes the scores of the scenario's ONNX variants (tests) */
  onOwnScores?: TargetContext['onOwnScores'];
}

const VERSIONED_PACKAGES = ['onnxruntime-node', 'hdr-histogram-js', 'systeminformation', 'zod', 'yaml', '@tensorflow/tfjs-core'];

async function resolveRuntimes(scenario: Scenario): Promise<ResolvedRuntime[]> {
  const resolved: ResolvedRuntime[] = [];
  for (const spec of scenario.runtimes) {
    const name = await resolveRuntime(spec.name as RuntimeName | 'auto');
    const reason = await runtimeUnavailableReason(name);
    if (reason !== undefined) throw new UnavailableError(`runtime ${name}`, reason);
    const int8 = { ...(spec.int8Kernel ? { int8Kernel: spec.int8Kernel as Int8KernelChoice } : {}), ...(spec.int8AccuracyBound ? { int8AccuracyBound: spec.int8AccuracyBound } : {}) };
    resolved.push({ requested: spec.name, name, threads: spec.threads, instances: spec.instances ?? 1, parallelRequests: spec.parallelRequests, int8, ...(spec.batching ? { batching: batchingPolicy(spec.batching) } : {}) });
  }
  return resolved;
}

export async function runBench(o: BenchOptions): Promise<BenchResults> {
  // A shard runs its share of the run's totals (concurrency, minQueries, cache budget); the
  // results still carry the whole scenario as `effective`, so shards can be checked and merged.
  const scenario = o.shard ? shardScenario(o.scenario, o.shard) : o.scenario;
  const log = o.log ?? (() => {});
  checkScenarioNames(scenario, o.scenarioPath ?? scenario.name);

  // Everything that reads the machine, the disk or the registry happens before any timing.
  const machine = o.machine ?? (await machineFacts());
  const tool = { name: 'ugbench' as const, version: readToolVersion(o.root) };
  const provenance = { git: gitFacts(o.root), packages: packageVersions(o.root, VERSIONED_PACKAGES) };
  const resolved = await resolveRuntimes(scenario);
  const ownVariants = loadOwnVariants(scenario, onnxVariantSpecs(scenario, o.scenarioPath), resolved); // graphs checked: exit 104 before any pool
  const fullPlan = buildPlan(scenario);
  const plan = o.shard ? shardPlan(fullPlan, o.shard) : fullPlan;
  // the whole run's buckets, so every shard tags alike and the merged tags add up
  const buckets = candidateBuckets(measuredCandidates(fullPlan));
  const clock = o.clock ?? new HrClock();
  const createdAt = new Date().toISOString();
  const variants = builtinVariants(scenario);
  const weightsByModel = o.warm?.weights ?? new Map<string, ModelWeights>();
  const runs: RunResult[] = [];
  let paired: PairedComparison | undefined;
  // a shard measures part of the load beside its siblings: never on an idle machine, so no paired phase
  const perBucket = o.shard ? 0 : (o.pairedPerBucket ?? DEFAULT_PAIRED_PER_BUCKET);

  for (const runtime of resolved) {
    const choice = modelFor(scenario, runtime.name, o.scenarioPath);
    const key = modelKey(choice);
    let weights = weightsByModel.get(key);
    if (!weights) {
      log(`preparing model ${key} for ${runtime.name} (untimed)`);
      weights = loadWeights({ weightsPath: choice.weightsPath, config: choice.config, seed: scenario.seed }, variants);
      weightsByModel.set(key, weights);
    }
    const ctx: TargetContext = { scenario, plan, buckets, clock, variants, ownVariants, onOwnScores: o.onOwnScores, root: o.root, runtime, choice, weights, log, warm: o.warm };
    const target = await openTarget(ctx);
    try {
      // one paired comparison per bench: on the first target, before any load
      if (!paired && perBucket > 0 && !o.signal?.aborted) paired = await runPairedPhase(target, { plan, buckets, seed: scenario.seed, perBucket, signal: o.signal, progress: o.progress, log });
      for (const system of o.pairedOnly ? [] : target.systems) {
        if (o.signal?.aborted) break;
        runs.push(await measureSystem(system, { scenario, plan, signal: o.signal, progress: o.progress, log }));
      }
    } finally {
      await target.close();
    }
    if (target.onlyOnce || o.pairedOnly) break;
  }

  const statuses = runs.map((r) => r.validity.status);
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool,
    createdAt,
    status: overallStatus(o.signal?.aborted ? [...statuses, 'aborted'] : statuses),
    ...provenance,
    machine,
    scenario: { path: o.scenarioPath, name: scenario.name, effective: o.scenario, hash: effectiveScenarioHash(o.scenario) },
    seeds: { scenario: scenario.seed, plan: scenario.seed, weights: scenario.seed, requests: scenario.seed },
    plan: { ...describePlan(plan), warmupS: scenario.run.warmupS, durationS: scenario.run.durationS },
    ...(o.shard ? { shard: { ...o.shard }, planDigest: planDigest(fullPlan) } : {}),
    ...(paired ? { paired } : {}),
    runs,
  };
}

function readToolVersion(root: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
