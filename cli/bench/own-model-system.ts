/**
 * A scenario's own ONNX variant (docs/own-model.md) as one more in-process system under test: a
 * pool of instances that each load the checked graphs (ownModelSpec), the scenario's user cache
 * for a split model, and the model facts from the graph cost, so the paired phase, the judge and
 * the reports see just another variant. No reference scores exist for a user's model: no parity.
 */
import { measure } from '../../harness/loadgen/measure.ts';
import type { CompletionMix } from '../../harness/loadgen/recorder.ts';
import type { CostCoefficients, CostFacts } from '../../harness/results/contract.ts';
import { toCostFacts } from '../../harness/results/cost-facts.ts';
import { costAt, outcomeCost } from '../../harness/results/model.ts';
import type { ExternalModelSpec } from '../../models/external/contract.ts';
import { externalModelFacts, externalStateBytes, type ExternalModel } from '../../models/external/model.ts';
import { createInstancePool, type InstancePool } from '../../models/instances/pool.ts';
import { threadsPerInstance } from '../../models/instances/threads.ts';
import { CACHE_DESIGN } from '../../models/sut/cached-scorer.ts';
import { clearSutCache, createInProcessSut } from '../../models/sut/in-process.ts';
import { prepareRequestSamples } from '../../models/sut/samples.ts';
import { ownModelSpec } from '../commands/own-model-pool.ts';
import { cacheFactsFor } from './assemble.ts';
import { cacheOptions } from './cache-options.ts';
import type { BenchSystem, TargetContext } from './systems.ts';

/** An ONNX variant of the scenario, its graphs read and checked before any pool starts. */
export interface OwnVariant {
  spec: ExternalModelSpec;
  model: ExternalModel;
}

/** Mean cost per completed request from the graph's coefficients (affine in N per cache outcome). */
export function graphCostFacts(cost: CostCoefficients, mix: CompletionMix, requestsPerS: number): CostFacts | null {
  const parts = [
    { n: mix.hit.requests, candidates: mix.hit.candidates, outcome: 'cached' as const },
    { n: mix.miss.requests, candidates: mix.miss.candidates, outcome: 'computed' as const },
    { n: mix.none.requests, candidates: mix.none.candidates, outcome: 'computed' as const },
  ].filter((p) => p.n > 0);
  const total = parts.reduce((s, p) => s + p.n, 0);
  if (total === 0) return null;
  const sum = { flops: 0, weightBytes: 0, activationBytes: 0 };
  for (const p of parts) {
    const c = costAt(outcomeCost(cost, p.outcome), p.candidates / p.n);
    sum.flops += (p.n / total) * c.flops;
    sum.weightBytes += (p.n / total) * c.weightBytes;
    sum.activationBytes += (p.n / total) * c.activationBytes;
  }
  return toCostFacts(sum, requestsPerS);
}

export async function openOwnModelPool(ctx: TargetContext, own: OwnVariant): Promise<InstancePool> {
  const rt = ctx.runtime;
  const spec = ownModelSpec(own.model, own.spec, threadsPerInstance(rt.instances, rt.threads));
  return createInstancePool({ spec, instances: rt.instances, perInstance: rt.parallelRequests, clock: ctx.clock });
}

export function ownModelSystem(ctx: TargetContext, own: OwnVariant, pool: InstancePool): BenchSystem {
  const { scenario, plan, runtime: rt } = ctx;
  const { model } = own;
  const samples = prepareRequestSamples(pool.config, scenario.seed, plan); // features of the graph's Fu, Fg
  const cacheWanted = scenario.cache.enabled && model.form === 'split' && pool.split;
  const stateBytes = externalStateBytes(model);
  const onScores = ctx.onOwnScores ? (index: number, scores: Float32Array): void => ctx.onOwnScores?.(own.spec.name, index, scores) : undefined;
  const sut = createInProcessSut({ pool, samples, onScores, cache: cacheWanted ? { ...cacheOptions(ctx), stateBytes } : undefined });
  const label = `${own.spec.name}@${rt.name}`;
  return {
    label,
    variant: own.spec.name,
    startLine: `${label}: warm-up ${scenario.run.warmupS} s, then measured (${plan.kind} loop, own ${model.form} ONNX model)`,
    identity: {
      variant: own.spec.name,
      runtimeName: rt.name,
      requestedRuntime: rt.requested,
      runtime: { ...pool.info, runtime: rt.name, instances: pool.size, details: { ...pool.info.details, engine: pool.info.runtime, model: `own ${model.form} ONNX model` } },
      userCache: { ...cacheFactsFor(scenario, model.form === 'split' ? stateBytes : 0, cacheWanted, true), ...(cacheWanted ? { design: CACHE_DESIGN } : {}) },
      cost: (mix, rps) => graphCostFacts(model.cost, mix, rps),
      model: externalModelFacts(model),
    },
    measure: (hooks) => measure({ scenario, plan, sut, clock: ctx.clock, candidateBuckets: ctx.buckets, ...hooks }),
    cacheSource: sut,
    pairedSut: createInProcessSut({ pool, samples }), // no cache: the user graph always runs
    afterRun: () => clearSutCache(sut),
  };
}
