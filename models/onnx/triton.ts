/**
 * Triton Inference Server model configurations (config.pbtxt, protobuf text format) for the
 * ugbench graphs: one `onnxruntime_onnx` model per graph, and for ugsep an ensemble that runs
 * the user graph and feeds its state to the group graph.
 */
import type { BoundaryTensor, BuiltGraph } from './graphs.ts';

export type TritonDevice = 'cpu' | 'gpu';

const TRITON_DTYPE: Record<BoundaryTensor['dtype'], string> = { float: 'TYPE_FP32', int64: 'TYPE_INT64' };

/** Triton dims: symbolic dimensions (N candidates, R users) are -1. max_batch_size is 0. */
export function tritonDims(dims: BoundaryTensor['dims']): number[] {
  return dims.map((d) => (typeof d === 'number' ? d : -1));
}

function tensorBlock(kind: 'input' | 'output', tensors: readonly BoundaryTensor[], dims: (t: BoundaryTensor) => number[] = (t) => tritonDims(t.dims)): string {
  const entries = tensors.map(
    (t) => `  {\n    name: "${t.name}"\n    data_type: ${TRITON_DTYPE[t.dtype]}\n    dims: [ ${dims(t).join(', ')} ]\n  }`,
  );
  return `${kind} [\n${entries.join(',\n')}\n]\n`;
}

/** config.pbtxt of one ONNX graph served by Triton's onnxruntime backend. */
export function tritonModelConfig(name: string, graph: BuiltGraph, device: TritonDevice, threads?: number): string {
  const params = device === 'cpu' && threads !== undefined
    ? `parameters { key: "intra_op_thread_count" value: { string_value: "${threads}" } }\n`
    : '';
  return (
    `# ugbench ${graph.role} graph\n` +
    `name: "${name}"\n` +
    `platform: "onnxruntime_onnx"\n` +
    `backend: "onnxruntime"\n` +
    `max_batch_size: 0\n` +
    tensorBlock('input', graph.inputs) +
    tensorBlock('output', graph.outputs) +
    `instance_group [ { kind: ${device === 'gpu' ? 'KIND_GPU' : 'KIND_CPU'} count: 1 } ]\n` +
    params
  );
}

/**
 * The ensemble user -> group: inputs user_features [1, Fu] and group_features [-1, Fg], output
 * scores [-1]. Every user-graph output is mapped to the group-graph input of the same name.
 */
export function tritonEnsembleConfig(name: string, userModel: string, user: BuiltGraph, groupModel: string, group: BuiltGraph): string {
  const userInput = user.inputs[0]!;
  const groupInputs = group.inputs.filter((t) => !user.outputs.some((o) => o.name === t.name));
  const oneUser = (t: BoundaryTensor): number[] => tritonDims(t.dims).map((d, i) => (i === 0 ? 1 : d));
  const map = (kind: 'input_map' | 'output_map', names: string[]): string => names.map((n) => `      ${kind} { key: "${n}" value: "${n}" }\n`).join('');
  return (
    `# ugbench ensemble: the user graph once per request, then the group graph on the candidates\n` +
    `name: "${name}"\n` +
    `platform: "ensemble"\n` +
    `max_batch_size: 0\n` +
    `input [\n  {\n    name: "${userInput.name}"\n    data_type: ${TRITON_DTYPE[userInput.dtype]}\n    dims: [ ${oneUser(userInput).join(', ')} ]\n  },\n` +
    groupInputs.map((t) => `  {\n    name: "${t.name}"\n    data_type: ${TRITON_DTYPE[t.dtype]}\n    dims: [ ${tritonDims(t.dims).join(', ')} ]\n  }`).join(',\n') +
    `\n]\n` +
    tensorBlock('output', group.outputs) +
    `ensemble_scheduling {\n` +
    `  step [\n` +
    `    {\n      model_name: "${userModel}"\n      model_version: -1\n` +
    map('input_map', [userInput.name]) +
    map('output_map', user.outputs.map((o) => o.name)) +
    `    },\n` +
    `    {\n      model_name: "${groupModel}"\n      model_version: -1\n` +
    map('input_map', group.inputs.map((i) => i.name)) +
    map('output_map', group.outputs.map((o) => o.name)) +
    `    }\n  ]\n}\n`
  );
}
