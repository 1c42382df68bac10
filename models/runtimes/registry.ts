/**
 * Runtime names and their factories. Runtimes that need optional packages are loaded lazily, so
 * a missing package only matters when that runtime is asked for (with a clear reason).
 */
import type { ModelWeights } from '../weights/layout.ts';
import type { Variant } from '../variants.ts';
import type { ScoringRuntime } from './runtime.ts';
import { createReferenceRuntime } from './reference.ts';
import type { Int8KernelChoice } from '../onnx/options.ts';
import { ORT_RUNTIMES, createOrtRuntimeByName, ortRuntimeUnavailableReason, type OrtRuntimeName } from './ort-registry.ts';
import { TFJS_RUNTIMES, createTfjsRuntimeByName, isTfjsRuntime, tfjsRuntimeUnavailableReason } from './tfjs-registry.ts';

export const RUNTIME_NAMES = ['reference', ...ORT_RUNTIMES, ...TFJS_RUNTIMES] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/** Fastest first: what `auto` resolves to is the first of these that is available here. */
export const RUNTIME_PREFERENCE: readonly RuntimeName[] = ['ort-cpu', 'tfjs-wasm', 'reference'];

export interface RuntimeOptions {
  /** intra-op threads; default: all cores */
  threads?: number;
  /** ugsep-w8a16 on ORT: an int8 kernel or 'auto' (default: calibrated at load) */
  int8Kernel?: Int8KernelChoice;
  /** auto: max relative score error against the W8A16 reference; default 5e-3 */
  int8AccuracyBound?: number;
  /** build the batched form too (scoreBatch, userPassBatch, groupPassBatch) for dynamic batching */
  batched?: boolean;
}

/** Why a runtime cannot run here, or undefined when it can. */
export async function runtimeUnavailableReason(name: RuntimeName): Promise<string | undefined> {
  if (name === 'reference') return undefined;
  if (isTfjsRuntime(name)) return tfjsRuntimeUnavailableReason(name);
  return ortRuntimeUnavailableReason(name);
}

/** `auto` -> the fastest runtime available here; other names pass through. */
export async function resolveRuntime(name: RuntimeName | 'auto'): Promise<RuntimeName> {
  if (name !== 'auto') return name;
  for (const candidate of RUNTIME_PREFERENCE) {
    if ((await runtimeUnavailableReason(candidate)) === undefined) return candidate;
  }
  return 'reference';
}

export async function createRuntime(name: RuntimeName, weights: ModelWeights, variant: Variant, options: RuntimeOptions): Promise<ScoringRuntime> {
  if (name === 'reference') return createReferenceRuntime(weights, variant);
  if (isTfjsRuntime(name)) return createTfjsRuntimeByName(name, weights, variant, options);
  return createOrtRuntimeByName(name satisfies OrtRuntimeName, weights, variant, options);
}
