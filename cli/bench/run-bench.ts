/**
 * The bench, wired: scenario -> plan -> for each runtime x variant: weights, runtime, samples
 * (all untimed) -> warm-up + measured run -> RunResult; then the results file. This is the
 * composition root's job: it is the one place that knows both harness/ and models/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HrClock, type Clock } from '../../harness/loadgen/clock.ts';
import { UnavailableError } from '../../harness/errors.ts';
import { measure } from '../../harness/loadgen/measure.ts';
import { toRunResult } from '../../harness/results/run-result.ts';
import { gitFacts, machineFacts, packageVersions } from '../../harness/results/provenance.ts';
import { RESULTS_SCHEMA_VERSION, type BenchResults, type MachineFacts, type RunResult } from '../../harness/results/contract.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import { buildPlan, describePlan } from '../../harness/loadgen/traffic/plan.ts';
import { planDigest } from '../../harness/loadgen/traffic/plan-digest.ts';
import { shardPlan, type ShardSpec } from '../../harness/loadgen/traffic/shard.ts';
import { shardScenario } from '../../harness/loadgen/traffic/shard-scenario.ts';
import { overallStatus } from '../../harness/results/judge.ts';
import { resolveRuntime, runtimeUnavailableReason, type RuntimeName, type RuntimeOptions } from '../../models/runtimes/registry.ts';
import type { Int8KernelChoice } from '../../models/onnx/options.ts';
import { clearSutCache, createInProcessSut } from '../../models/sut/in-process.ts';
import { CACHE_DESIGN } from '../../models/sut/cached-scorer.ts';
import { createInstancePool } from '../../models/instances/pool.ts';
import { warmPool, type WarmInstances } from './warm.ts';
import { threadsPerInstance } from '../../models/instances/threads.ts';
import { modelIdentity, runDoneLine, userCacheFacts } from './assemble.ts';
import { effectiveScenarioHash } from '../../harness/results/compare/same-setup.ts';
import { fileSha256 } from './file-sha256.ts';
import { prepareRequestSamples } from '../../models/sut/samples.ts';
import { VARIANT_TRAITS } from '../../models/variants.ts';
import { loadWeights } from '../../models/weights/load.ts';
import type { ModelWeights } from '../../models/weights/layout.ts';
import { asVariant, checkScenarioNames, modelFor, modelKey } from './resolve.ts';
import type { Progress } from './progress.ts';
import { createParitySampler, parityFacts } from './parity.ts';

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
  /** keep weights and instance pools across calls (`ugbench sweep`: no rebuild per step); the caller closes them */
  warm?: WarmInstances;
}

const VERSIONED_PACKAGES = ['onnxruntime-node', 'hdr-histogram-js', 'systeminformation', 'zod', 'yaml', '@tensorflow/tfjs-core'];

export async function runBench(o: BenchOptions): Promise<BenchResults> {
  // A shard runs its share of the run's totals (concurrency, minQueries, cache budget); the
  // results still carry the whole scenario as `effective`, so shards can be checked and merged.
  const scenario = o.shard ? shardScenario(o.scenario, o.shard) : o.scenario;
  const log = o.log ?? (() => {});
  const source = o.scenarioPath ?? scenario.name;
  checkScenarioNames(scenario, source);

  // Everything that reads the machine, the disk or the registry happens before any timing.
  const machine = o.machine ?? (await machineFacts());
  const git = gitFacts(o.root);
  const packages = packageVersions(o.root, VERSIONED_PACKAGES);
  const tool = { name: 'ugbench' as const, version: readToolVersion(o.root) };
  const resolved: { requested: string; name: RuntimeName; threads?: number; instances: number; parallelRequests: number; int8: RuntimeOptions }[] = [];
  for (const spec of scenario.runtimes) {
    const name = await resolveRuntime(spec.name as RuntimeName | 'auto');
    const reason = await runtimeUnavailableReason(name);
    if (reason !== undefined) throw new UnavailableError(`runtime ${name}`, reason);
    const int8 = { ...(spec.int8Kernel ? { int8Kernel: spec.int8Kernel as Int8KernelChoice } : {}), ...(spec.int8AccuracyBound ? { int8AccuracyBound: spec.int8AccuracyBound } : {}) };
    resolved.push({ requested: spec.name, name, threads: spec.threads, instances: spec.instances ?? 1, parallelRequests: spec.parallelRequests, int8 });
  }
  const fullPlan = buildPlan(scenario);
  const plan = o.shard ? shardPlan(fullPlan, o.shard) : fullPlan;
  const planFacts = describePlan(plan);
  const clock = o.clock ?? new HrClock();
  const createdAt = new Date().toISOString();
  const variants = scenario.variants.map(asVariant);
  const weightsByModel = o.warm?.weights ?? new Map<string, ModelWeights>();
  const runs: RunResult[] = [];

  for (const rt of resolved) {
    const choice = modelFor(scenario, rt.name, o.scenarioPath);
    const key = modelKey(choice);
    let weights = weightsByModel.get(key);
    if (!weights) {
      log(`preparing model ${key} for ${rt.name} (untimed)`);
      weights = loadWeights({ weightsPath: choice.weightsPath, config: choice.config, seed: scenario.seed }, variants);
      weightsByModel.set(key, weights);
    }
    if (scenario.target.kind === 'http') {
      // Over HTTP (issue 5): a local `ugbench serve` per runtime, or one pass against remote endpoints.
      const remote = scenario.target.endpoints !== undefined;
      const ctx = { scenario, target: scenario.target, plan, clock, variants, binPath: join(o.root, 'bin', 'ugbench.mjs'), signal: o.signal, progress: o.progress, log };
      // the HTTP clients (undici, autocannon) load only for a served or remote target
      const { runHttpVariants } = await import('./run-http.ts');
      runs.push(...(await runHttpVariants(ctx, { runtime: remote ? null : rt, choice, weights })));
      if (remote) break;
      continue;
    }
    const config = weights.config;
    const samples = prepareRequestSamples(config, scenario.seed, plan);
    const modelLabel = choice.preset ?? (choice.weightsPath ? 'weights file' : 'custom');
    const weightsSha256 = choice.weightsPath ? fileSha256(choice.weightsPath) : null; // untimed
    for (const variant of variants) {
      if (o.signal?.aborted) break;
      // Model instances: each worker builds its own runtime from this spec (untimed).
      const threads = threadsPerInstance(rt.instances, rt.threads);
      const weightsSource = { weightsPath: choice.weightsPath, config: choice.config, seed: scenario.seed };
      const spec = { runtime: rt.name, variant, weights: weightsSource, weightVariants: variants, options: { ...rt.int8, ...(threads !== undefined ? { threads } : {}) } };
      const poolOptions = { spec, instances: rt.instances, perInstance: rt.parallelRequests, clock };
      const pool = o.warm ? await warmPool(o.warm, poolOptions) : await createInstancePool(poolOptions);
      try {
        const cacheWanted = scenario.cache.enabled && VARIANT_TRAITS[variant].masked && pool.split;
        const forced = scenario.cache.forcedHitRate;
        const parity = createParitySampler(scenario, plan); // issue 7: keeps a seeded sample of scores
        const sut = createInProcessSut({
          pool,
          samples,
          onScores: parity ? (index, scores) => parity.record(index, scores) : undefined,
          cache: cacheWanted
            ? {
                clock,
                limits:
                  forced !== undefined
                    ? {} // the plan makes the hits; capacity would only add noise
                    : { capacityBytes: scenario.cache.capacityBytes, capacityUsers: scenario.cache.capacityUsers, ttlUs: scenario.cache.ttlS === undefined ? undefined : scenario.cache.ttlS * 1e6 },
              }
            : undefined,
        });
        const label = `${variant}@${rt.name}`;
        log(`${label}: warm-up ${scenario.run.warmupS} s, then measured (${plan.kind} loop, model ${modelLabel})`);
        o.progress?.start(label, plan.count - plan.warmupCount);
        const record = await measure({ scenario, plan, sut, clock, signal: o.signal, onProgress: (d, p) => o.progress?.update(d, p) });
        o.progress?.stop();
        const run = toRunResult(
          record,
          sut,
          {
            variant,
            runtimeName: rt.name,
            requestedRuntime: rt.requested,
            runtime: {
              ...pool.info,
              runtime: rt.name,
              instances: pool.size,
              details: { ...pool.info.details, engine: pool.info.runtime, model: modelLabel, modelConfig: Object.entries(config).map(([k, v]) => `${k}=${v}`).join(' ') },
            },
            userCache: { ...userCacheFacts(scenario, config, variant, cacheWanted, true), ...(cacheWanted ? { design: CACHE_DESIGN } : {}) },
            ...modelIdentity(config, variant, weightsSha256),
          },
          scenario,
        );
        clearSutCache(sut);
        if (parity && scenario.parity) {
          log(`${label}: parity check of ${parity.samples().length} sampled requests (untimed)`);
          run.parity = await parityFacts({ sampler: parity, k: scenario.parity.k, weights, variant, runtimeName: rt.name, samples });
        }
        runs.push(run);
        log(runDoneLine(label, run));
      } finally {
        if (!o.warm) await pool.close();
      }
    }
  }

  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool,
    createdAt,
    status: overallStatus(o.signal?.aborted ? [...runs.map((r) => r.validity.status), 'aborted'] : runs.map((r) => r.validity.status)),
    git,
    packages,
    machine,
    scenario: { path: o.scenarioPath, name: scenario.name, effective: o.scenario, hash: effectiveScenarioHash(o.scenario) },
    seeds: { scenario: scenario.seed, plan: scenario.seed, weights: scenario.seed, requests: scenario.seed },
    plan: { ...planFacts, warmupS: scenario.run.warmupS, durationS: scenario.run.durationS },
    ...(o.shard ? { shard: { ...o.shard }, planDigest: planDigest(fullPlan) } : {}),
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
