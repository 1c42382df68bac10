/**
 * Parity on the final token states X [T, N, D] (before pooling and the sigmoid head, which squash
 * differences: a LayerNorm epsilon of 1e-6 moves scores by only ~5e-7 relative but X by ~4e-6).
 * The ORT whole graph gets X as an extra output by editing its ModelProto, and the negative
 * control edits every LayerNormalization node's epsilon in the same bytes.
 */
import type { ModelConfig } from '../../../models/config.ts';
import { buildWholeGraph } from '../../../models/onnx/graphs.ts';
import { ModelProto } from '../../../models/onnx/onnx-proto.ts';
import { ReferenceModel } from '../../../models/reference/model.ts';
import type { Variant } from '../../../models/variants.ts';
import type { ModelWeights } from '../../../models/weights/layout.ts';
import { groupTensor, session, userTensor } from '../onnx/ort-fixtures.ts';

interface NodeLike {
  op_type: string;
  input: string[];
  attribute: Array<{ name: string; f: number }>;
}
interface ModelLike {
  graph: { node: NodeLike[]; output: unknown[] };
}

/** The whole graph with the last layer's X as an output (and every LN epsilon set, if given). */
export function wholeGraphExposingStates(weights: ModelWeights, variant: Variant, layerNormEpsilon?: number): { model: Uint8Array; statesName: string; epsilonsChanged: number } {
  const model = ModelProto.decode(buildWholeGraph(weights, variant).model) as unknown as ModelLike;
  const pooling = model.graph.node.filter((n) => n.op_type === 'ReduceMean').at(-1);
  if (!pooling) throw new Error('whole graph has no ReduceMean pooling node');
  const statesName = pooling.input[0]!;
  let epsilonsChanged = 0;
  if (layerNormEpsilon !== undefined) {
    for (const node of model.graph.node.filter((n) => n.op_type === 'LayerNormalization')) {
      for (const a of node.attribute.filter((x) => x.name === 'epsilon')) {
        a.f = layerNormEpsilon;
        epsilonsChanged++;
      }
    }
  }
  model.graph.output.push({ name: statesName, type: { tensor_type: { elem_type: 1 } } });
  return { model: ModelProto.encode(model).finish(), statesName, epsilonsChanged };
}

/** The reference's final X for every candidate, laid out as the graph's [T, N, D]. */
export function referenceStates(weights: ModelWeights, variant: Variant, user: Float32Array, group: Float32Array): Float32Array {
  const { T, D, L, Fg } = weights.config;
  const N = group.length / Fg;
  const states = new Float32Array(T * N * D); // [T, N, D]
  new ReferenceModel(weights, variant).scoreMonolithic(user, group, (layer, n, X /* [T, D] */) => {
    if (layer !== L - 1) return;
    for (let t = 0; t < T; t++) states.set(X.subarray(t * D, (t + 1) * D), (t * N + n) * D);
  });
  return states;
}

export async function runStates(model: Uint8Array, statesName: string, config: ModelConfig, user: Float32Array, group: Float32Array): Promise<Float32Array> {
  const s = await session(model);
  try {
    const out = await s.run({ user_features: userTensor(config, user), group_features: groupTensor(config, group) });
    return out[statesName]!.data as Float32Array;
  } finally {
    await s.release();
  }
}
