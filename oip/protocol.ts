/**
 * The Open Inference Protocol (KServe v2) JSON shapes ugbench serves and sends: an infer request
 * carries `user_features` [1, Fu] (or [Fu]) and `group_features` [N, Fg] as FP32 tensors, and
 * optionally `parameters.user_id` to use the server's user-state cache; the response carries
 * `scores` [N]. Parsing reports the offending request part by name (`inputs[1].shape: ...`).
 */
import { describeValue } from '../harness/errors.ts';

export const USER_INPUT = 'user_features';
export const GROUP_INPUT = 'group_features';
export const SCORES_OUTPUT = 'scores';

export interface TensorJson {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown;
  parameters?: Record<string, unknown>;
}

export interface InferRequestJson {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: TensorJson[];
  outputs?: Array<{ name: string }>;
}

export interface ParsedInfer {
  id: string | undefined;
  userId: string | undefined;
  userFeatures: Float32Array; // [Fu]
  groupFeatures: Float32Array; // [N, Fg]
  candidates: number;
}

export interface FeatureShape {
  Fu: number;
  Fg: number;
  /** largest N accepted in one request */
  maxCandidates: number;
}

/** A request part that is wrong: answered with 400 and this message. */
export class BadRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadRequest';
  }
}

/** Parse and validate an infer request body. Throws BadRequest naming the offending part. */
export function parseInferRequest(body: unknown, shape: FeatureShape): ParsedInfer {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest(`body: expected an object with "inputs", got ${describeValue(body)}`);
  }
  const request = body as Partial<InferRequestJson>;
  if (request.id !== undefined && typeof request.id !== 'string') throw new BadRequest(`id: expected a string, got ${describeValue(request.id)}`);
  const userId = parseUserId(request.parameters);
  if (!Array.isArray(request.inputs)) throw new BadRequest(`inputs: expected an array of tensors, got ${describeValue(request.inputs)}`);
  const byName = new Map<string, { tensor: TensorJson; index: number }>();
  // the body is untyped JSON: each element is checked before it is read as a tensor
  request.inputs.forEach((tensor: unknown, index) => {
    if (typeof tensor !== 'object' || tensor === null) throw new BadRequest(`inputs[${index}]: expected a tensor object, got ${describeValue(tensor)}`);
    const name = (tensor as Partial<TensorJson>).name;
    if (name !== USER_INPUT && name !== GROUP_INPUT) {
      throw new BadRequest(`inputs[${index}].name: expected "${USER_INPUT}" or "${GROUP_INPUT}", got ${describeValue(name)}`);
    }
    if (byName.has(name)) throw new BadRequest(`inputs[${index}].name: "${name}" given twice`);
    byName.set(name, { tensor: tensor as TensorJson, index });
  });
  if (request.outputs !== undefined) {
    if (!Array.isArray(request.outputs)) throw new BadRequest(`outputs: expected an array of {"name": "${SCORES_OUTPUT}"}, got ${describeValue(request.outputs)}`);
    request.outputs.forEach((output, index) => {
      if ((output as { name?: unknown } | null)?.name !== SCORES_OUTPUT) {
        throw new BadRequest(`outputs[${index}].name: expected "${SCORES_OUTPUT}", got ${describeValue((output as { name?: unknown } | null)?.name)}`);
      }
    });
  }
  const user = byName.get(USER_INPUT);
  const group = byName.get(GROUP_INPUT);
  if (!user) throw new BadRequest(`inputs: expected a tensor named "${USER_INPUT}" [1, ${shape.Fu}]`);
  if (!group) throw new BadRequest(`inputs: expected a tensor named "${GROUP_INPUT}" [N, ${shape.Fg}]`);

  const userShape = checkShape(user.tensor, user.index, (dims) => (dims.length === 2 && dims[0] === 1 && dims[1] === shape.Fu) || (dims.length === 1 && dims[0] === shape.Fu), `[1, ${shape.Fu}]`);
  const groupShape = checkShape(group.tensor, group.index, (dims) => dims.length === 2 && dims[1] === shape.Fg, `[N, ${shape.Fg}]`);
  const candidates = groupShape[0]!;
  if (candidates < 1) throw new BadRequest(`inputs[${group.index}].shape: expected at least 1 candidate, got ${candidates} (empty candidate list)`);
  if (candidates > shape.maxCandidates) {
    throw new BadRequest(`inputs[${group.index}].shape: expected at most ${shape.maxCandidates} candidates, got ${candidates}`);
  }
  return {
    id: request.id,
    userId,
    userFeatures: readData(user.tensor, user.index, userShape),
    groupFeatures: readData(group.tensor, group.index, groupShape),
    candidates,
  };
}

function parseUserId(parameters: unknown): string | undefined {
  if (parameters === undefined) return undefined;
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    throw new BadRequest(`parameters: expected an object, got ${describeValue(parameters)}`);
  }
  const userId = (parameters as Record<string, unknown>).user_id;
  if (userId === undefined) return undefined;
  if ((typeof userId === 'string' && userId.length > 0 && userId.length <= 256) || (typeof userId === 'number' && Number.isSafeInteger(userId))) {
    return String(userId);
  }
  throw new BadRequest(`parameters.user_id: expected a non-empty string (<= 256 chars) or an integer, got ${describeValue(userId)}`);
}

function checkShape(tensor: TensorJson, index: number, ok: (dims: number[]) => boolean, expected: string): number[] {
  const where = `inputs[${index}]`;
  if (tensor.datatype !== 'FP32' && tensor.datatype !== 'FP64') {
    throw new BadRequest(`${where}.datatype: expected "FP32", got ${describeValue(tensor.datatype)}`);
  }
  const dims = tensor.shape;
  if (!Array.isArray(dims) || !dims.every((v) => Number.isSafeInteger(v) && v >= 0)) {
    throw new BadRequest(`${where}.shape: expected ${expected}, got ${describeValue(dims)}`);
  }
  if (!ok(dims)) throw new BadRequest(`${where}.shape: expected ${expected}, got ${JSON.stringify(dims)}`);
  return dims;
}

/** Flatten `data` (flat or nested row-major, as OIP allows) into float32, checking every value. */
function readData(tensor: TensorJson, index: number, dims: number[]): Float32Array {
  const where = `inputs[${index}].data`;
  const expected = dims.reduce((a, b) => a * b, 1);
  const out = new Float32Array(expected);
  let count = 0;
  // Nested form (the top level holds arrays): every array at depth d holds dims[d] items, and
  // numbers sit only at the innermost depth, so ragged rows cannot add up to the right count.
  const nested = Array.isArray(tensor.data) && tensor.data.some((item) => Array.isArray(item));
  const depthOf = (value: unknown): number => (Array.isArray(value) ? 1 + Math.max(0, ...value.map(depthOf)) : 0);
  if (nested && depthOf(tensor.data) > dims.length) throw new BadRequest(`${where}: nested deeper than shape ${JSON.stringify(dims)}`);
  const visit = (value: unknown, depth: number, path: string): void => {
    if (Array.isArray(value)) {
      if (depth >= dims.length) throw new BadRequest(`${where}: nested deeper than shape ${JSON.stringify(dims)}`);
      if (nested && value.length !== dims[depth]) throw new BadRequest(`${where}${path}: expected ${dims[depth]} items (shape ${JSON.stringify(dims)}), got ${value.length}: ragged nested data`);
      value.forEach((item, i) => visit(item, depth + 1, `${path}[${i}]`));
      return;
    }
    if (nested && depth !== dims.length) throw new BadRequest(`${where}${path}: expected an array of ${dims[depth]} items (shape ${JSON.stringify(dims)}), got ${describeValue(value)}: ragged nested data`);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new BadRequest(`${where}[${count}]: expected a finite number, got ${describeValue(value)}`);
    }
    if (count < expected) out[count] = value;
    count++;
  };
  if (!Array.isArray(tensor.data)) throw new BadRequest(`${where}: expected an array of ${expected} numbers, got ${describeValue(tensor.data)}`);
  visit(tensor.data, 0, '');
  if (count !== expected) throw new BadRequest(`${where}: expected ${expected} values for shape ${JSON.stringify(dims)}, got ${count}`);
  return out;
}

/** Build an infer request body (the client side: bench's HTTP executors, tests). */
export function inferRequestJson(userFeatures: Float32Array, groupFeatures: Float32Array, Fg: number, userId?: string, id?: string): InferRequestJson {
  const candidates = groupFeatures.length / Fg;
  return {
    ...(id === undefined ? {} : { id }),
    ...(userId === undefined ? {} : { parameters: { user_id: userId } }),
    inputs: [
      { name: USER_INPUT, shape: [1, userFeatures.length], datatype: 'FP32', data: Array.from(userFeatures) },
      { name: GROUP_INPUT, shape: [candidates, Fg], datatype: 'FP32', data: Array.from(groupFeatures) },
    ],
  };
}

export interface InferResponseJson {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, unknown>;
  outputs: Array<{ name: string; shape: number[]; datatype: string; data: number[] }>;
}

/** Read `scores` out of a response body; undefined when it is not a valid scores response. */
export function scoresFromResponse(body: unknown): number[] | undefined {
  const outputs = (body as Partial<InferResponseJson> | null)?.outputs;
  if (!Array.isArray(outputs)) return undefined;
  const scores = outputs.find((o: unknown) => (o as { name?: unknown } | null)?.name === SCORES_OUTPUT);
  return Array.isArray(scores?.data) ? scores.data : undefined;
}
