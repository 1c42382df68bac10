/**
 * An ONNX file a user brings (docs/own-model.md), read into plain data: boundary tensors,
 * initializer shapes (and small integer initializers' values, which shape inference needs),
 * nodes, and provenance (SHA-256, IR version, opsets, producer). Decoding uses the project's
 * onnx.proto subset; a file that is not a ModelProto, or ends mid-message, is an InputError.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { InputError } from '../../harness/errors.ts';
import type { ModelFileFacts } from '../../harness/results/contract.ts';
import { closeSync, readFileSync } from 'node:fs';
import { openRegularFile } from '../../harness/input-file.ts';
import { ModelProto } from '../onnx/onnx-proto.ts';

export type Dim = number | string;

/** ONNX TensorProto.DataType numbers -> names used in messages and configs. */
export const ELEM_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16',
};
export const ELEM_BYTES: Readonly<Record<number, number>> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };
export const FLOAT32 = 1;

export interface TensorSig {
  name: string;
  elemType: number;
  /** null when the file declares no shape */
  dims: Dim[] | null;
}

export interface Initializer {
  dims: number[];
  elemType: number;
  /** values of int64/int32 initializers of at most 64 elements (shapes, axes, pads) */
  ints?: number[];
}

export interface OnnxNode {
  op: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
}
export type AttrValue = number | number[] | string | { dims: number[]; ints?: number[] } | undefined;

export interface OnnxGraphFile {
  path: string;
  /** what messages call it, e.g. "user graph u.onnx" */
  label: string;
  bytes: Uint8Array;
  sha256: string;
  irVersion: number;
  producer: string;
  /** opset version per domain ('' = ai.onnx) */
  opsets: Record<string, number>;
  graphName: string;
  inputs: TensorSig[];
  outputs: TensorSig[];
  initializers: Map<string, Initializer>;
  nodes: OnnxNode[];
}

/** The largest model file read: ORT cannot load a single protobuf above 2 GiB anyway. */
const MAX_ONNX_BYTES = 2 ** 31 - 1;

export function readOnnxGraph(path: string, role: string): OnnxGraphFile {
  const label = `${role} graph ${basename(path)}`;
  const { fd, bytes: size } = openRegularFile(path, label, 'ONNX file');
  let bytes: Uint8Array;
  try {
    if (size > MAX_ONNX_BYTES) throw new InputError(label, [`file: expected at most ${MAX_ONNX_BYTES} bytes (ONNX file), got ${size}`]);
    bytes = new Uint8Array(readFileSync(fd));
  } finally {
    closeSync(fd);
  }
  return decodeOnnxGraph(bytes, path, label);
}

/** Tag bytes of ModelProto's fields (ir_version, producer_*, domain, model_version, doc_string, graph, opset_import, metadata_props, functions): a file starts with one. */
const MODEL_PROTO_FIRST_TAGS = new Set([0x08, 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72, 0xa2]);

export function decodeOnnxGraph(bytes: Uint8Array, path: string, label: string): OnnxGraphFile {
  const first = bytes[0];
  if (first === undefined || !MODEL_PROTO_FIRST_TAGS.has(first)) {
    throw new InputError(label, [`file: expected an ONNX ModelProto (protobuf), got ${first === undefined ? 'an empty file' : `bytes that do not start like one (first byte 0x${first.toString(16).padStart(2, '0')})`}`]);
  }
  let raw: RawModel;
  try {
    raw = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, arrays: true, defaults: false });
  } catch (error) {
    const message = (error as Error).message;
    const truncated = /index out of range/.test(message);
    throw new InputError(label, [truncated ? `file: expected a complete ONNX ModelProto, got a file that ends mid-message after ${bytes.byteLength} bytes (truncated?)` : `file: expected an ONNX ModelProto (protobuf), got bytes that do not decode (${message})`]);
  }
  const graph = raw.graph;
  if (graph === undefined || raw.ir_version === undefined || (graph.node ?? []).length === 0) {
    throw new InputError(label, [`file: expected an ONNX ModelProto with ir_version and a graph of nodes, got ${graph === undefined ? 'no graph' : raw.ir_version === undefined ? 'no ir_version' : 'a graph without nodes'}`]);
  }
  const initializers = new Map<string, Initializer>();
  for (const t of graph.initializer ?? []) initializers.set(t.name ?? '', initializerOf(t));
  return {
    path,
    label,
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    irVersion: raw.ir_version,
    producer: [raw.producer_name, raw.producer_version].filter((s) => s !== undefined && s !== '').join(' ') || 'unknown',
    opsets: Object.fromEntries((raw.opset_import ?? []).map((o) => [o.domain ?? '', o.version ?? 0])),
    graphName: graph.name ?? '',
    // initializers listed as inputs (old exporters) are weights, not inputs a request feeds
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(sigOf),
    outputs: (graph.output ?? []).map(sigOf),
    initializers,
    nodes: (graph.node ?? []).map(nodeOf),
  };
}

interface RawTensor { name?: string; dims?: number[]; data_type?: number; raw_data?: Uint8Array; int64_data?: number[]; int32_data?: number[] }
interface RawValueInfo { name?: string; type?: { tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } } }
interface RawAttr { name?: string; f?: number; i?: number; s?: Uint8Array; t?: RawTensor; floats?: number[]; ints?: number[]; type?: number }
interface RawNode { input?: string[]; output?: string[]; op_type?: string; domain?: string; attribute?: RawAttr[] }
interface RawModel {
  ir_version?: number;
  producer_name?: string;
  producer_version?: string;
  opset_import?: { domain?: string; version?: number }[];
  graph?: { name?: string; node?: RawNode[]; initializer?: RawTensor[]; input?: RawValueInfo[]; output?: RawValueInfo[] };
}

function sigOf(v: RawValueInfo): TensorSig {
  const tt = v.type?.tensor_type;
  const dims = tt?.shape?.dim?.map((d) => d.dim_value ?? d.dim_param ?? '?') ?? null;
  return { name: v.name ?? '', elemType: tt?.elem_type ?? 0, dims };
}

function initializerOf(t: RawTensor): Initializer {
  const dims = t.dims ?? [];
  const elemType = t.data_type ?? 0;
  const count = dims.reduce((a, b) => a * b, 1);
  const isInt = elemType === 7 || elemType === 6;
  return { dims, elemType, ...(isInt && count <= 64 ? { ints: intValues(t, elemType, count) } : {}) };
}

function intValues(t: RawTensor, elemType: number, count: number): number[] {
  if (t.raw_data && t.raw_data.byteLength > 0) {
    const copy = new Uint8Array(t.raw_data); // aligned copy: raw_data may sit at any offset
    return elemType === 7 ? Array.from(new BigInt64Array(copy.buffer, 0, count), Number) : Array.from(new Int32Array(copy.buffer, 0, count));
  }
  return elemType === 7 ? (t.int64_data ?? []) : (t.int32_data ?? []);
}

function nodeOf(n: RawNode): OnnxNode {
  const attrs: Record<string, AttrValue> = {};
  for (const a of n.attribute ?? []) attrs[a.name ?? ''] = attrValue(a);
  return { op: n.op_type ?? '', domain: n.domain ?? '', inputs: n.input ?? [], outputs: n.output ?? [], attrs };
}

function attrValue(a: RawAttr): AttrValue {
  switch (a.type) {
    case 1: return a.f ?? 0;
    case 2: return a.i ?? 0;
    case 3: return new TextDecoder().decode(a.s ?? new Uint8Array());
    case 4: return a.t ? initializerOf(a.t) : undefined;
    case 6: return a.floats ?? [];
    case 7: return a.ints ?? [];
    default: return undefined;
  }
}

/** Provenance facts of one file, as results carry them. */
export type OnnxFileFacts = ModelFileFacts;

export function fileFacts(role: string, g: OnnxGraphFile): OnnxFileFacts {
  return { role, path: g.path, sha256: g.sha256, bytes: g.bytes.byteLength, irVersion: g.irVersion, opset: g.opsets[''] ?? g.opsets['ai.onnx'] ?? 0, producer: g.producer };
}
