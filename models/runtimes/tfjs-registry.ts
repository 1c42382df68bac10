/**
 * The TF.js entries of the runtime registry: one name per TF.js backend. The TF.js code is
 * imported only when one of these runtimes is created, so listing them costs nothing.
 */
import { TFJS_RUNTIMES, tfjsUnavailableReason, type TfjsRuntimeName } from '../tfjs/backends.ts';
import type { Variant } from '../variants.ts';
import type { ModelWeights } from '../weights/layout.ts';
import type { ScoringRuntime } from './runtime.ts';

export { TFJS_RUNTIMES, type TfjsRuntimeName };

export function isTfjsRuntime(name: string): name is TfjsRuntimeName {
  return (TFJS_RUNTIMES as readonly string[]).includes(name);
}

export function tfjsRuntimeUnavailableReason(name: TfjsRuntimeName): Promise<string | undefined> {
  return tfjsUnavailableReason(name);
}

export async function createTfjsRuntimeByName(name: TfjsRuntimeName, weights: ModelWeights, variant: Variant, options: { threads?: number }): Promise<ScoringRuntime> {
  const { createTfjsRuntime } = await import('./tfjs.ts');
  return createTfjsRuntime(name, weights, variant, options.threads !== undefined ? { threads: options.threads } : {});
}
