/**
 * The batched form's tensors on ORT (dynamic batching): R users' states stacked into the
 * [R, ...] inputs of the batched group graph, the user graph's [R, ...] outputs cut into one
 * state per user (a cache keeps users apart), and the row -> user index [N] as int64.
 * States are few KB per user, so stacking and cutting are plain copies on the instance's thread.
 */
import { InputError } from '../../harness/errors.ts';
import type { DerivedShape } from '../config.ts';
import { INPUT_ROW_USER, type BoundaryTensor } from '../onnx/graphs.ts';
import type { OrtModule } from './ort-providers.ts';
import type * as OrtTypes from 'onnxruntime-node';

type Tensor = OrtTypes.Tensor;

/** One user's dims of a user-graph output (R = 1) and its element count. */
function perUserDims(out: BoundaryTensor, s: DerivedShape): { dims: number[]; size: number } {
  const dims = out.dims.map((d) => (d === 'R' ? 1 : d));
  if (!dims.every((d): d is number => typeof d === 'number')) throw new Error(`user graph output ${out.name} has dims ${out.dims.join('x')} (D=${s.D})`);
  return { dims, size: dims.reduce((a, b) => a * b, 1) };
}

/** Output tensors of the user graph for R users, for ORT to write into: [R, ...] each. */
export function allocateStates(ort: OrtModule, outputs: readonly BoundaryTensor[], s: DerivedShape, R: number): Record<string, Tensor> {
  const tensors: Record<string, Tensor> = {};
  for (const out of outputs) {
    const { dims, size } = perUserDims(out, s);
    tensors[out.name] = new ort.Tensor('float32', new Float32Array(R * size), [R, ...dims.slice(1)]);
  }
  return tensors;
}

/** [R, ...] user-graph outputs -> R per-user tensor sets [1, ...] (copies). */
export function cutStates(ort: OrtModule, outputs: readonly BoundaryTensor[], s: DerivedShape, batch: Record<string, Tensor>, R: number): Record<string, Tensor>[] {
  const perUser = Array.from({ length: R }, (): Record<string, Tensor> => ({}));
  for (const out of outputs) {
    const { dims, size } = perUserDims(out, s);
    const data = batch[out.name]!.data as Float32Array; // [R, ...]
    perUser.forEach((tensors, r) => (tensors[out.name] = new ort.Tensor('float32', data.slice(r * size, (r + 1) * size), dims)));
  }
  return perUser;
}

/** R per-user tensor sets [1, ...] -> the [R, ...] inputs of the batched group graph (copies). */
export function stackStates(ort: OrtModule, outputs: readonly BoundaryTensor[], s: DerivedShape, states: readonly Record<string, Tensor>[]): Record<string, Tensor> {
  const stacked: Record<string, Tensor> = {};
  for (const out of outputs) {
    const { dims, size } = perUserDims(out, s);
    const data = new Float32Array(states.length * size); // [R, ...]
    states.forEach((tensors, r) => data.set(tensors[out.name]!.data as Float32Array, r * size));
    stacked[out.name] = new ort.Tensor('float32', data, [states.length, ...dims.slice(1)]);
  }
  return stacked;
}

/** row_user [N] as int64, each entry checked to name one of the R users (Gather would wrap -1 to R-1). */
export function rowUserFeed(ort: OrtModule, rowUser: Int32Array, R: number): Record<string, Tensor> {
  const ids = new BigInt64Array(rowUser.length);
  for (let n = 0; n < rowUser.length; n++) {
    const r = rowUser[n]!;
    if (!(r >= 0 && r < R)) throw new InputError('batch', [`row_user[${n}]: expected a user index in [0, ${R}), got ${r}`]);
    ids[n] = BigInt(r);
  }
  return { [INPUT_ROW_USER]: new ort.Tensor('int64', ids, [rowUser.length]) };
}

/** row_user of a request of N rows of one user: all zeros. */
export const oneUserRows = (N: number): Int32Array => new Int32Array(N);
