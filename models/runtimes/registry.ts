/**
 * Runtime names and their factories. Runtimes that need optional packages are loaded lazily, so
 * a missing package only matters when that runtime is asked for (with a clear reason).
 */
import type { ModelWeights } from '../weights/layout.ts';
import type { Variant } from '../variants.ts';
import type { ScoringRuntime } from './runtime.ts';
import { createReferenceRuntime } from './reference.ts';

export const RUNTIME_NAMES = ['reference'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/** Fastest first: what `auto` resolves to is the first of these that is available here. */
export const RUNTIME_PREFERENCE: readonly RuntimeName[] = ['reference'];

export interface RuntimeOptions {
  /** intra-op threads; default: all cores */
  threads?: number;
}

/** Why a runtime cannot run here, or undefined when it can. */
export async function runtimeUnavailableReason(_name: RuntimeName): Promise<string | undefined> {
  return undefined;
}

/** `auto` -> the fastest runtime available here; other names pass through. */
export async function resolveRuntime(name: RuntimeName | 'auto'): Promise<RuntimeName> {
  if (name !== 'auto') return name;
  for (const candidate of RUNTIME_PREFERENCE) {
    if ((await runtimeUnavailableReason(candidate)) === undefined) return candidate;
  }
  return 'reference';
}

export async function createRuntime(name: RuntimeName, weights: ModelWeights, variant: Variant, _options: RuntimeOptions): Promise<ScoringRuntime> {
  switch (name) {
    case 'reference':
      return createReferenceRuntime(weights, variant);
  }
}
