/** Shared pieces of the TF.js tests: small configs, the backends present here, difference measures. */
import type { ModelConfig } from '../../../models/config.ts';
import { presetConfig } from '../../../models/presets.ts';
import { TFJS_RUNTIMES, tfjsUnavailableReason, type TfjsRuntimeName } from '../../../models/tfjs/backends.ts';

/**
 * Parity tolerance against the reference, relative: float32 TF.js kernels land ~1e-7 off the
 * float64-accumulating reference (parity-control.test.ts shows a LayerNorm epsilon of 1e-6 exceeds it).
 */
export const PARITY_RELATIVE = 2e-6;

export const CONFIGS: Array<{ name: string; config: ModelConfig }> = [
  { name: 'T8-D32', config: { T: 8, Tu: 4, D: 32, L: 2, k: 2, Fu: 16, Fg: 12 } },
  { name: 'tiny', config: presetConfig('tiny') },
];

export const CANDIDATE_COUNTS = [1, 3, 16];

/** Every TF.js backend usable in this process: wasm and cpu always, the node ones when installed. */
export async function backendsPresent(): Promise<TfjsRuntimeName[]> {
  const present: TfjsRuntimeName[] = [];
  for (const name of TFJS_RUNTIMES) if ((await tfjsUnavailableReason(name)) === undefined) present.push(name);
  return present;
}

/** max_i |a_i - b_i| / |b_i| (scores are in (0, 1), never 0). */
export function maxRelativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  return worst;
}

/** max_i |a_i - b_i| / max_i |b_i|: relative to the tensor's scale, for state tensors with zeros. */
export function maxScaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return worst / scale;
}
