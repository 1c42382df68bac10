/** The plain-TypeScript reference as a ScoringRuntime: slow, exact, single-threaded. */
import { ReferenceModel, type UserState } from '../reference/model.ts';
import type { Variant } from '../variants.ts';
import type { ModelWeights } from '../weights/layout.ts';
import { userStateBytes } from '../cost.ts';
import { promised, type RuntimeInfo, type ScoringRuntime, type UserStateHandle } from './runtime.ts';

interface ReferenceState extends UserStateHandle {
  state: UserState;
}

export function createReferenceRuntime(weights: ModelWeights, variant: Variant): ScoringRuntime {
  const model = new ReferenceModel(weights, variant);
  const int8 = model.traits.int8Weights;
  const info: RuntimeInfo = {
    runtime: 'reference',
    provider: 'plain-typescript',
    threads: 1,
    weightPrecision: int8 ? 'int8 symmetric per-output-channel (dequantized to fp32)' : 'fp32',
    activationPrecision: int8 ? 'fp16 (rounded at every quantized matmul input), float64 accumulation' : 'fp32 storage, float64 accumulation',
    details: {},
  };
  const stateBytes = userStateBytes(weights.config, variant);
  const runtime: ScoringRuntime = {
    info,
    variant,
    config: weights.config,
    score: (user, group) => promised(() => model.score(user, group)),
    dispose: () => Promise.resolve(),
  };
  if (model.traits.masked) {
    runtime.userPass = (user) => promised(() => ({ bytes: stateBytes, state: model.userPass(user) }) satisfies ReferenceState);
    runtime.groupPass = (handle, group) => promised(() => model.groupPass((handle as ReferenceState).state, group));
  }
  return runtime;
}
