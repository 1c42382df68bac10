/**
 * Cost model: matmul FLOPs and bytes per request, as a function of the config, the variant,
 * N candidates and whether the user pass ran (a user-state cache hit skips it).
 *
 * FFN FLOPs per token per layer f = 4 k D^2 (two matmuls D -> kD -> D, 2 FLOPs per MAC).
 *   baseline          = N L T f
 *   ugsep (split)     = L f (Tu + N Tg) + L Tg 2 D^2      (comp once per request)
 *   ugsep, cache hit  = L f N Tg                           (no user pass, no comp)
 *   ugsep monolithic  = N L T f + N L Tg 2 D^2             (the "no reuse" control)
 * Elementwise work (LN, GELU, mixup) is not counted: it is O(D) per row against O(kD^2).
 */
import { derive, type ModelConfig } from './config.ts';
import type { AffineCost, AffinePair, CostCoefficients } from '../harness/results/contract.ts';
import { predictedSpeedup as speedupFromCoefficients } from '../harness/results/model.ts';
import { VARIANT_TRAITS, type Variant } from './variants.ts';

export interface CostInput {
  config: ModelConfig;
  variant: Variant;
  /** candidates in the request */
  candidates: number;
  /** false when the user state came from a cache (ugsep variants only); default true */
  userPassRan?: boolean;
  /** run ugsep as the masked monolith instead of split; default false */
  monolithic?: boolean;
}

export interface RequestCost {
  flops: { tokenizer: number; ffn: number; compensation: number; head: number; total: number };
  /** bytes of weights read once per forward (each weight read once per request) */
  weightBytes: number;
  /** bytes of activations written (tokens, LN outputs, FFN hidden and outputs), float32 */
  activationBytes: number;
  /** FLOPs / (weight + activation bytes) */
  arithmeticIntensity: number;
  /** token rows that went through the FFN stack (per layer) */
  ffnRows: number;
}

/** Bytes per stored weight: 4 for fp32, 1 for int8 (scales are counted separately). */
export function bytesPerWeight(variant: Variant): number {
  return VARIANT_TRAITS[variant].int8Weights ? 1 : 4;
}

export function requestCost(input: CostInput): RequestCost {
  const s = derive(input.config);
  const traits = VARIANT_TRAITS[input.variant];
  const N = input.candidates;
  const split = traits.masked && !input.monolithic;
  const userPassRan = !split || (input.userPassRan ?? true);
  const f = 4 * s.k * s.D * s.D;

  // Rows through the FFN stack per layer, and compensation evaluations per request.
  const userRows = split ? (userPassRan ? s.Tu : 0) : N * s.Tu;
  const groupRows = N * s.Tg;
  const ffnRows = userRows + groupRows;
  const compRuns = traits.compensation ? (split ? (userPassRan ? 1 : 0) : N) : 0;
  const userTokenizations = split ? (userPassRan ? 1 : 0) : N;

  const flops = {
    tokenizer: 2 * s.D * (userTokenizations * s.Fu + N * s.Fg),
    ffn: s.L * f * ffnRows,
    compensation: s.L * compRuns * s.Tg * 2 * s.D * s.D,
    head: N * 2 * s.D,
    total: 0,
  };
  flops.total = flops.tokenizer + flops.ffn + flops.compensation + flops.head;

  // Weights read: a token position's FFN weights are read when any row of that position runs.
  const bpw = bytesPerWeight(input.variant);
  const positionsRead = userRows > 0 ? s.T : s.Tg;
  const ffnWeights = s.L * positionsRead * 2 * s.k * s.D * s.D;
  const ffnScales = traits.int8Weights ? s.L * positionsRead * (s.k * s.D + s.D) * 4 : 0;
  const compWeights = compRuns > 0 ? s.L * s.Tg * s.D * s.D : 0;
  const compScales = compRuns > 0 && traits.int8Weights ? s.L * s.Tg * s.D * 4 : 0;
  const tokenizerWeights = (userTokenizations > 0 ? s.Fu * s.D : 0) + s.Fg * s.D;
  const weightBytes = (ffnWeights + compWeights) * bpw + ffnScales + compScales + tokenizerWeights * 4;

  // Per row per layer: LN1 output D, FFN hidden kD, FFN output D, LN2 output D; tokens D per row.
  const activationBytes = 4 * (s.L * ffnRows * (3 * s.D + s.k * s.D) + ffnRows * s.D);
  return {
    flops,
    weightBytes,
    activationBytes,
    arithmeticIntensity: flops.total / (weightBytes + activationBytes),
    ffnRows,
  };
}

/** One outcome's cost as a + b·N: requestCost is affine in N, so two points give it exactly. */
function affine(config: ModelConfig, variant: Variant, userPassRan: boolean): AffineCost {
  const one = requestCost({ config, variant, candidates: 1, userPassRan });
  const two = requestCost({ config, variant, candidates: 2, userPassRan });
  const pair = (a: number, b: number): AffinePair => ({ perRequest: 2 * a - b, perCandidate: b - a });
  return {
    flops: pair(one.flops.total, two.flops.total),
    weightBytes: pair(one.weightBytes, two.weightBytes),
    activationBytes: pair(one.activationBytes, two.activationBytes),
  };
}

/** The cost per cache outcome as data (RunResult.model.cost): `cached` for variants with a user pass to skip. */
export function costCoefficients(config: ModelConfig, variant: Variant): CostCoefficients {
  return { computed: affine(config, variant, true), ...(VARIANT_TRAITS[variant].masked ? { cached: affine(config, variant, false) } : {}) };
}

/** Predicted speedup over baseline at N candidates: the one function (harness/results/model.ts) on this model's coefficients. */
export function predictedSpeedup(config: ModelConfig, variant: Variant, candidates: number, userPassRan = true): number {
  const model = { cost: costCoefficients(config, variant), baselineCost: costCoefficients(config, 'baseline').computed };
  return speedupFromCoefficients(model, candidates, userPassRan ? 'computed' : 'cached');
}

/** Size in bytes of one user's state (UserState): what a cross-request cache stores per user. */
export function userStateBytes(config: ModelConfig, variant: Variant): number {
  const s = derive(config);
  const traits = VARIANT_TRAITS[variant];
  if (!traits.masked) return 0;
  const perLayer = s.Tu * s.Tg * s.d + (traits.compensation ? s.Tg * s.D : 0);
  return 4 * s.L * perLayer + 8 * s.D;
}
