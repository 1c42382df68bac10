/**
 * The model as the results describe it (RunResult.model): cost coefficients per cache outcome,
 * affine in N candidates, so reports, capacity and gates compute FLOPs, bytes and the predicted
 * speedup at any N from data, never from a parsed config string or a variant name. The one
 * predicted-speedup function of the project (models/cost.ts computes through it too).
 */
import type { AffineCost, CostCoefficients, ModelFacts } from './contract.ts';

export type CacheOutcome = 'computed' | 'cached';

/** a + b·N of one coefficient pair. */
export function atN(c: { perRequest: number; perCandidate: number }, candidates: number): number {
  return c.perRequest + c.perCandidate * candidates;
}

/** FLOPs and bytes of one request of `candidates` rows under a cost. */
export function costAt(cost: AffineCost, candidates: number): { flops: number; weightBytes: number; activationBytes: number } {
  return { flops: atN(cost.flops, candidates), weightBytes: atN(cost.weightBytes, candidates), activationBytes: atN(cost.activationBytes, candidates) };
}

/** The cost of an outcome; a variant without a cross-request cache has only `computed`. */
export function outcomeCost(c: CostCoefficients, outcome: CacheOutcome): AffineCost {
  return outcome === 'cached' ? (c.cached ?? c.computed) : c.computed;
}

/**
 * Predicted speedup over the baseline at N candidates: baseline FLOPs / this variant's FLOPs
 * (cost-model FLOPs: FFN, compensation, tokenizer and head), for a computed or a cached user state.
 */
export function predictedSpeedup(model: Pick<ModelFacts, 'cost' | 'baselineCost'>, candidates: number, outcome: CacheOutcome = 'computed'): number {
  return atN(model.baselineCost.flops, candidates) / atN(outcomeCost(model.cost, outcome).flops, candidates);
}
