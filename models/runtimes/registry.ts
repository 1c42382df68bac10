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

export interface RuntimeOptions {
  /** intra-op threads; default: all cores */
  threads?: number;
}

export async function createRuntime(name: RuntimeName, weights: ModelWeights, variant: Variant, _options: RuntimeOptions): Promise<ScoringRuntime> {
  switch (name) {
    case 'reference':
      return createReferenceRuntime(weights, variant);
  }
}
