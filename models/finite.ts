/**
 * Finiteness of what goes into a model. A NaN or an infinity in a weight or an input propagates
 * to every score it touches, and JSON prints NaN as `null`: a run would report "success" with no
 * scores. Weights are checked once at load (the CLI and the server call checkFiniteWeights);
 * request values are checked where a request is parsed, as float32, because 1e39 is a finite
 * double that becomes Infinity in a Float32Array.
 */
import { InputError } from '../harness/errors.ts';
import type { ModelWeights } from './weights/layout.ts';
import { tensorSpecs } from './weights/layout.ts';

/** The largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** `name[i]: expected a finite float32 ...` for the first bad value, with how many there are. */
export function nonFiniteProblem(name: string, data: ArrayLike<number>): string | undefined {
  let first = -1;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    // v - v is 0 for every finite v and NaN for NaN and +-Infinity: one test, no branches on kind
    if (v - v !== 0) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first < 0) return undefined;
  const more = count > 1 ? ` (${count} non-finite values in all)` : '';
  return `${name}[${first}]: expected a finite float32, got ${String(data[first])}${more}`;
}

/**
 * One request value, as float32: a number within +-FLOAT32_MAX. Larger finite doubles would
 * overflow to Infinity when stored, so they are refused here, naming the value.
 */
export function float32ValueProblem(path: string, value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= FLOAT32_MAX) return undefined;
  // JSON.stringify gives undefined for functions and symbols, though its type says string
  const got = typeof value === 'number' ? String(value) : value === undefined ? 'nothing' : (JSON.stringify(value) as string | undefined) ?? typeof value;
  return `${path}: expected a finite float32 number (|x| <= ${FLOAT32_MAX}), got ${got}`;
}

/** Every tensor of a weights object checked; an InputError (exit 104) names each bad tensor. */
export function checkFiniteWeights(weights: ModelWeights, context = 'weights'): void {
  const problems: string[] = [];
  for (const spec of tensorSpecs(weights.config)) {
    const data = spec.get(weights);
    if (data === undefined) continue;
    const problem = nonFiniteProblem(spec.name, data);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new InputError(context, problems);
}
