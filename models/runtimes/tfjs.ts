/**
 * TF.js as a ScoringRuntime: the TfjsModel on one TF.js backend, user state kept as tf tensors
 * on that backend between the user and the group pass (disposed with the handle).
 */
import { activateBackend, releaseBackend } from '../tfjs/engine.ts';
import type { TfjsRuntimeName } from '../tfjs/backends.ts';
import { INT8_STORAGE_ACTIVATION_PRECISION, INT8_STORAGE_NOTE, INT8_STORAGE_WEIGHT_PRECISION } from '../tfjs/int8-storage.ts';
import { TfjsModel, disposeUserState, userStateTensors, type TfjsUserState } from '../tfjs/model.ts';
import type { Variant } from '../variants.ts';
import type { ModelWeights } from '../weights/layout.ts';
import { promised, type RuntimeInfo, type ScoringRuntime, type UserStateHandle } from './runtime.ts';

export interface TfjsRuntimeOptions {
  /** wasm threads to request (only effective before the wasm backend's first use); default: backend default */
  threads?: number;
}

interface TfjsStateHandle extends UserStateHandle {
  state: TfjsUserState;
}

export async function createTfjsRuntime(name: TfjsRuntimeName, weights: ModelWeights, variant: Variant, options: TfjsRuntimeOptions = {}): Promise<ScoringRuntime> {
  const facts = await activateBackend(name, options.threads);
  let model: TfjsModel;
  try {
    model = new TfjsModel(weights, variant);
  } catch (error) {
    releaseBackend(name);
    throw error;
  }
  const int8 = model.traits.int8Weights;
  const info: RuntimeInfo = {
    runtime: name,
    provider: facts.tfBackend,
    threads: facts.threads,
    weightPrecision: int8 ? INT8_STORAGE_WEIGHT_PRECISION : 'fp32',
    activationPrecision: int8 ? INT8_STORAGE_ACTIVATION_PRECISION : 'fp32',
    details: {
      ...facts.details,
      ffnKernel: `${model.shape.T} 2-D fused matmuls per FFN matrix (one per token)`,
      ...(int8 ? { w8a16: INT8_STORAGE_NOTE } : {}),
    },
  };
  let disposed = false;
  const runtime: ScoringRuntime = {
    info,
    variant,
    config: weights.config,
    score: (user, group) => model.score(user, group),
    dispose: () =>
      promised(() => {
        if (disposed) return;
        disposed = true;
        model.dispose();
        releaseBackend(name);
      }),
  };
  if (model.traits.masked) {
    runtime.userPass = (user) =>
      promised(() => {
        const state = model.userPass(user);
        const bytes = userStateTensors(state).reduce((sum, t) => sum + 4 * t.size, 0); // float32 elements
        return { state, bytes, dispose: () => disposeUserState(state) } satisfies TfjsStateHandle;
      });
    runtime.groupPass = (handle, group) => model.groupPass((handle as TfjsStateHandle).state, group);
  }
  return runtime;
}
