/**
 * Score parity under load (issue 7), wired: during a run the in-process SUT hands every
 * response's scores to a ParitySampler, which keeps a seeded sample of measured requests; after
 * the run (untimed) the same requests are scored again by the reference runtime (same variant,
 * same weights: the runtime's and the precision's numerical error) and by the baseline variant
 * on the run's runtime (the model difference). The figures land in RunResult.parity.
 */
import { ParitySampler } from '../../harness/results/parity/sampler.ts';
import { summarizeParity, type ScorePair } from '../../harness/results/parity/summarize.ts';
import type { ParityFacts } from '../../harness/results/contract.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import type { SampleLibrary } from '../../harness/loadgen/sample-library.ts';
import type { TrafficPlan } from '../../harness/loadgen/traffic/plan.ts';
import { createRuntime, type RuntimeName } from '../../models/runtimes/registry.ts';
import type { RequestTensors } from '../../models/sut/samples.ts';
import type { Variant } from '../../models/variants.ts';
import type { ModelWeights } from '../../models/weights/layout.ts';

/**
 * Requests re-checked per run at most: the reference runtime is plain TypeScript, ~100x slower
 * than onnxruntime, and the check must not dominate the bench's wall time.
 */
export const MAX_PARITY_REQUESTS = 8;

export function createParitySampler(scenario: Scenario, plan: TrafficPlan): ParitySampler | undefined {
  if (!scenario.parity) return undefined;
  return new ParitySampler({
    fraction: scenario.parity.sampleFraction,
    fromIndex: plan.warmupCount,
    toIndex: plan.count,
    seed: scenario.seed,
    maxRequests: MAX_PARITY_REQUESTS,
  });
}

export interface ParityCheck {
  sampler: ParitySampler;
  k: number;
  weights: ModelWeights;
  variant: Variant;
  runtimeName: RuntimeName;
  samples: SampleLibrary<RequestTensors>;
}

async function rescore(name: RuntimeName, weights: ModelWeights, variant: Variant, samples: SampleLibrary<RequestTensors>, indices: number[]): Promise<Float32Array[]> {
  const runtime = await createRuntime(name, weights, variant, {});
  try {
    const out: Float32Array[] = [];
    for (const index of indices) {
      const t = samples.get(index);
      out.push(Float32Array.from(await runtime.score(t.userFeatures, t.groupFeatures)));
    }
    return out;
  } finally {
    await runtime.dispose();
  }
}

export async function parityFacts(c: ParityCheck): Promise<ParityFacts> {
  const kept = c.sampler.samples();
  const indices = kept.map(([index]) => index);
  const pairs = (expected: Float32Array[]): ScorePair[] => kept.map(([, observed], i) => ({ observed, expected: expected[i]! }));
  const vsReference = summarizeParity(pairs(await rescore('reference', c.weights, c.variant, c.samples, indices)), c.k, `${c.variant}@reference`);
  const vsBaseline =
    c.variant === 'baseline'
      ? null
      : summarizeParity(pairs(await rescore(c.runtimeName, c.weights, 'baseline', c.samples, indices)), c.k, `baseline@${c.runtimeName}`);
  return {
    sampleFraction: c.sampler.fraction,
    sampledRequests: kept.length,
    sampledCandidates: kept.reduce((sum, [, scores]) => sum + scores.length, 0),
    k: c.k,
    vsReference,
    vsBaseline,
  };
}
