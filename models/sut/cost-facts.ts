/**
 * Cost-model figures for a run: FLOPs and bytes per request, averaged over what actually
 * completed. requestCost is affine in N for a fixed cache outcome, so the cost at the mean N of
 * each outcome (hit, miss, no cache) weighted by its count is the exact mean over requests.
 */
import type { CompletionMix } from '../../harness/loadgen/recorder.ts';
import type { CostFacts, ModelFacts } from '../../harness/results/contract.ts';
import { toCostFacts } from '../../harness/results/cost-facts.ts';
import type { ModelConfig } from '../config.ts';
import { costCoefficients, requestCost } from '../cost.ts';
import { VARIANT_TRAITS, type Variant } from '../variants.ts';

export function costFacts(config: ModelConfig, variant: Variant, mix: CompletionMix, requestsPerS: number): CostFacts | null {
  const parts = [
    { n: mix.hit.requests, candidates: mix.hit.candidates, userPassRan: false },
    { n: mix.miss.requests, candidates: mix.miss.candidates, userPassRan: true },
    { n: mix.none.requests, candidates: mix.none.candidates, userPassRan: true },
  ].filter((p) => p.n > 0);
  const total = parts.reduce((s, p) => s + p.n, 0);
  if (total === 0) return null;
  let flops = 0;
  let weightBytes = 0;
  let activationBytes = 0;
  for (const p of parts) {
    // cost at a fractional mean N is fine: every term is affine in N
    const c = requestCost({ config, variant, candidates: p.candidates / p.n, userPassRan: p.userPassRan });
    const w = p.n / total;
    flops += w * c.flops.total;
    weightBytes += w * c.weightBytes;
    activationBytes += w * c.activationBytes;
  }
  return toCostFacts({ flops, weightBytes, activationBytes }, requestsPerS);

}

/** The model described to the results as data (RunResult.model). */
export function modelFacts(config: ModelConfig, variant: Variant, weightsSha256: string | null): ModelFacts {
  const traits = VARIANT_TRAITS[variant];
  return {
    config: { ...config },
    traits: { ...traits },
    cost: costCoefficients(config, variant),
    baselineCost: costCoefficients(config, 'baseline').computed,
    weightsSha256,
  };
}
