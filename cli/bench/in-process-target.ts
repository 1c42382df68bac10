/**
 * In-process systems under test: per variant, a pool of model instances (worker threads) with
 * the scenario's cross-request user cache for the measured run, and a second SUT over the same
 * pool without that cache for the paired phase (every request runs its user pass).
 */
import { measure } from '../../harness/loadgen/measure.ts';
import { createInProcessSut, clearSutCache } from '../../models/sut/in-process.ts';
import { CACHE_DESIGN, type ScorerCacheOptions } from '../../models/sut/cached-scorer.ts';
import { createInstancePool, type InstancePool } from '../../models/instances/pool.ts';
import { threadsPerInstance } from '../../models/instances/threads.ts';
import { prepareRequestSamples, type RequestTensors } from '../../models/sut/samples.ts';
import type { SampleLibrary } from '../../harness/loadgen/sample-library.ts';
import { VARIANT_TRAITS, type Variant } from '../../models/variants.ts';
import { modelIdentity, userCacheFacts } from './assemble.ts';
import { fileSha256 } from './file-sha256.ts';
import { warmPool } from './warm.ts';
import { batchingFacts } from '../../models/instances/batcher.ts';
import { createParitySampler, parityFacts } from './parity.ts';
import type { BenchSystem, BenchTarget, TargetContext } from './systems.ts';

export async function openInProcessTarget(ctx: TargetContext): Promise<BenchTarget> {
  const { scenario, plan, runtime: rt } = ctx;
  const samples = prepareRequestSamples(ctx.weights.config, scenario.seed, plan);
  const weightsSha256 = ctx.choice.weightsPath ? fileSha256(ctx.choice.weightsPath) : null; // untimed
  const pools: InstancePool[] = [];
  // warm pools belong to the caller (ugbench sweep), which closes them when done
  const close = async (): Promise<void> => {
    if (!ctx.warm) await Promise.all(pools.map((p) => p.close()));
  };
  try {
    const systems: BenchSystem[] = [];
    for (const variant of ctx.variants) {
      // Model instances: each worker builds its own runtime from this spec (untimed).
      const threads = threadsPerInstance(rt.instances, rt.threads);
      const weightsSource = { weightsPath: ctx.choice.weightsPath, config: ctx.choice.config, seed: scenario.seed };
      const spec = { runtime: rt.name, variant, weights: weightsSource, weightVariants: ctx.variants, options: { ...rt.int8, ...(threads !== undefined ? { threads } : {}), ...(rt.batching ? { batched: true } : {}) } };
      const poolOptions = { spec, instances: rt.instances, perInstance: rt.parallelRequests, clock: ctx.clock, ...(rt.batching ? { batching: rt.batching } : {}) };
      const pool = ctx.warm ? await warmPool(ctx.warm, poolOptions) : await createInstancePool(poolOptions);
      pools.push(pool);
      systems.push(inProcessSystem(ctx, variant, pool, samples, weightsSha256));
    }
    return { runtimeName: rt.name, systems, onlyOnce: false, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function cacheOptions(ctx: TargetContext): ScorerCacheOptions {
  const c = ctx.scenario.cache;
  // a forced hit rate: the plan makes the hits; capacity would only add noise
  if (c.forcedHitRate !== undefined) return { clock: ctx.clock, limits: {} };
  return { clock: ctx.clock, limits: { capacityBytes: c.capacityBytes, capacityUsers: c.capacityUsers, ttlUs: c.ttlS === undefined ? undefined : c.ttlS * 1e6 } };
}

function inProcessSystem(ctx: TargetContext, variant: Variant, pool: InstancePool, samples: SampleLibrary<RequestTensors>, weightsSha256: string | null): BenchSystem {
  const { scenario, plan, runtime: rt } = ctx;
  const config = ctx.weights.config;
  const cacheWanted = scenario.cache.enabled && VARIANT_TRAITS[variant].masked && pool.split;
  const parity = createParitySampler(scenario, plan); // issue 7: keeps a seeded sample of scores
  const sut = createInProcessSut({
    pool,
    samples,
    onScores: parity ? (index, scores) => parity.record(index, scores) : undefined,
    cache: cacheWanted ? cacheOptions(ctx) : undefined,
  });
  const modelLabel = ctx.choice.preset ?? (ctx.choice.weightsPath ? 'weights file' : 'custom');
  const label = `${variant}@${rt.name}`;
  return {
    label,
    variant,
    startLine: `${label}: warm-up ${scenario.run.warmupS} s, then measured (${plan.kind} loop, model ${modelLabel})`,
    identity: {
      variant,
      runtimeName: rt.name,
      requestedRuntime: rt.requested,
      runtime: {
        ...pool.info,
        runtime: rt.name,
        instances: pool.size,
        ...batchingFacts(pool),
        details: { ...pool.info.details, engine: pool.info.runtime, model: modelLabel, modelConfig: Object.entries(config).map(([k, v]) => `${k}=${v}`).join(' ') },
      },
      userCache: { ...userCacheFacts(scenario, config, variant, cacheWanted, true), ...(cacheWanted ? { design: CACHE_DESIGN } : {}) },
      ...modelIdentity(config, variant, weightsSha256),
    },
    measure: (hooks) => measure({ scenario, plan, sut, clock: ctx.clock, candidateBuckets: ctx.buckets, ...hooks }),
    cacheSource: sut,
    pairedSut: createInProcessSut({ pool, samples }), // no cache: the user pass always runs
    ...(parity
      ? { parity: { sampler: parity, check: () => parityFacts({ sampler: parity, k: scenario.parity!.k, weights: ctx.weights, variant, runtimeName: rt.name, samples }) } }
      : {}),
    afterRun: () => clearSutCache(sut),
  };
}
