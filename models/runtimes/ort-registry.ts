/** The onnxruntime-node entries of the runtime registry: one name per execution provider. */
import type { Variant } from '../variants.ts';
import type { ModelWeights } from '../weights/layout.ts';
import { createOrtRuntime } from './ort.ts';
import { providerUnavailableReason, type OrtProvider } from './ort-providers.ts';
import type { RuntimeOptions } from './registry.ts';
import type { ScoringRuntime } from './runtime.ts';

export const ORT_RUNTIMES = ['ort-cpu', 'ort-cuda', 'ort-tensorrt', 'ort-webgpu'] as const;
export type OrtRuntimeName = (typeof ORT_RUNTIMES)[number];

export function ortProvider(name: OrtRuntimeName): OrtProvider {
  return name.slice('ort-'.length) as OrtProvider;
}

export function ortRuntimeUnavailableReason(name: OrtRuntimeName): Promise<string | undefined> {
  return providerUnavailableReason(ortProvider(name));
}

export function createOrtRuntimeByName(name: OrtRuntimeName, weights: ModelWeights, variant: Variant, options: RuntimeOptions): Promise<ScoringRuntime> {
  return createOrtRuntime(weights, variant, {
    provider: ortProvider(name),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.int8Kernel !== undefined ? { int8Kernel: options.int8Kernel } : {}),
    ...(options.int8AccuracyBound !== undefined ? { accuracyBound: options.int8AccuracyBound } : {}),
    ...(options.batched !== undefined ? { batched: options.batched } : {}),
  });
}
