/**
 * The model-instance factory for a user's ONNX model (InstanceSpec.factoryModule): each worker
 * reads and checks the files itself, from the spec's data alone, and builds its ORT sessions.
 */
import type { InstanceSpec } from '../instances/messages.ts';
import type { ScoringRuntime } from '../runtimes/runtime.ts';
import type { ExternalModelSpec } from './contract.ts';
import { loadExternalModel } from './model.ts';
import { createExternalOrtRuntime, type ExternalRuntimeOptions } from './ort-runtime.ts';

export interface ExternalInstanceOptions {
  model: ExternalModelSpec;
  runtime: ExternalRuntimeOptions;
}

export const EXTERNAL_INSTANCE_MODULE = new URL('./instance-runtime.ts', import.meta.url).href;

export function createInstanceRuntime(spec: InstanceSpec): Promise<ScoringRuntime> {
  const o = spec.factoryOptions as ExternalInstanceOptions;
  return createExternalOrtRuntime(loadExternalModel(o.model), o.runtime);
}
