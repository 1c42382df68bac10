/**
 * A small typed ONNX graph builder: inputs, outputs, initializers and nodes, encoded to a
 * ModelProto with protobufjs. Tensor names are generated unique per graph, so graph code reads
 * like straight-line tensor code: `const y = g.op('MatMul', [x, w])`.
 */
import { UnavailableError } from '../../harness/errors.ts';
import { AttributeType, DataType, IR_VERSION, ModelProto, type DataTypeName } from './onnx-proto.ts';

/** protobuf messages are limited to 2 GiB; keep room for the graph itself. */
const MAX_PROTO_BYTES = 2 ** 31 - 2 ** 26;

/** A dimension: a fixed size or a symbolic name (e.g. 'N' for the candidate count). */
export type Dim = number | string;

export type TensorData = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array | Uint16Array;

/** Typed attribute values. Plain numbers are INT, number[] INTS; floats must be wrapped. */
export type AttributeValue = number | number[] | string | { float: number } | { floats: number[] };

export const float = (value: number): { float: number } => ({ float: value });

export interface OpOptions {
  /** operator domain: '' (ai.onnx, default) or 'com.microsoft' for ORT contrib ops */
  domain?: string;
  /** number of outputs (default 1) */
  outputs?: number;
  /** explicit output names (e.g. graph outputs) */
  outputNames?: string[];
}

export interface OpsetImport {
  domain: string;
  version: number;
}

interface ValueInfo {
  name: string;
  elemType: number;
  dims: Dim[];
}

export class GraphBuilder {
  private readonly nodes: object[] = [];
  private readonly initializers: object[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly names = new Set<string>();
  private counter = 0;
  /** bytes of initializer data, for reporting model size */
  initializerBytes = 0;

  constructor(readonly name: string) {}

  input(name: string, dtype: DataTypeName, dims: Dim[]): string {
    this.claim(name);
    this.inputs.push({ name, elemType: DataType[dtype], dims });
    return name;
  }

  /** Declare an existing tensor as a graph output (adds an Identity when renaming is needed). */
  output(tensor: string, name: string, dtype: DataTypeName, dims: Dim[]): string {
    const out = tensor === name ? tensor : this.op('Identity', [tensor], {}, { outputNames: [name] })[0]!;
    this.outputs.push({ name: out, elemType: DataType[dtype], dims });
    return out;
  }

  /** A constant tensor stored in the model file. `hint` seeds the unique name. */
  initializer(hint: string, dtype: DataTypeName, dims: number[], data: TensorData): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected) throw new Error(`initializer ${hint}: expected ${expected} values for [${dims.join(',')}], got ${data.length}`);
    const name = this.unique(hint);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength); // little-endian hosts only
    this.initializers.push({ name, dims, data_type: DataType[dtype], raw_data: bytes });
    this.initializerBytes += bytes.byteLength;
    return name;
  }

  floats(hint: string, dims: number[], data: Float32Array | number[]): string {
    return this.initializer(hint, 'float', dims, data instanceof Float32Array ? data : Float32Array.from(data));
  }

  int64s(hint: string, values: number[]): string {
    return this.initializer(hint, 'int64', [values.length], BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  /** Add a node; returns its output tensor names. */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, options: OpOptions = {}): string[] {
    const outputs = options.outputNames ?? Array.from({ length: options.outputs ?? 1 }, () => this.unique(opType.toLowerCase()));
    for (const out of options.outputNames ?? []) this.claim(out);
    this.nodes.push({
      name: this.unique(`n_${opType}`),
      op_type: opType,
      domain: options.domain ?? '',
      input: inputs,
      output: outputs,
      attribute: Object.entries(attributes).map(([key, value]) => encodeAttribute(key, value)),
    });
    return outputs;
  }

  /** Single-output shorthand. */
  op1(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, options: OpOptions = {}): string {
    return this.op(opType, inputs, attributes, options)[0]!;
  }

  /** Encode as an ONNX ModelProto. */
  encode(opsets: OpsetImport[], metadata: Record<string, string> = {}, docString = ''): Uint8Array {
    if (this.initializerBytes > MAX_PROTO_BYTES) {
      throw new UnavailableError(
        `ONNX graph ${this.name}`,
        `its weights take ${(this.initializerBytes / 2 ** 30).toFixed(2)} GiB and a single ONNX protobuf holds at most 2 GiB (external data files are not implemented)`,
      );
    }
    const graph = {
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs.map(valueInfo),
      output: this.outputs.map(valueInfo),
    };
    const model = {
      ir_version: IR_VERSION,
      producer_name: 'ugbench',
      producer_version: '0.1.0',
      doc_string: docString,
      opset_import: opsets,
      graph,
      metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    };
    return ModelProto.encode(ModelProto.fromObject(model)).finish();
  }

  get inputInfos(): readonly ValueInfo[] {
    return this.inputs;
  }

  get outputInfos(): readonly ValueInfo[] {
    return this.outputs;
  }

  private unique(hint: string): string {
    let name: string;
    do name = `${hint}_${this.counter++}`;
    while (this.names.has(name));
    this.names.add(name);
    return name;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`tensor name ${name} used twice`);
    this.names.add(name);
  }
}

function valueInfo(v: ValueInfo): object {
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: v.elemType,
        shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

function encodeAttribute(name: string, value: AttributeValue): object {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: plain numbers are INT; wrap floats with float(${value})`);
    return { name, type: AttributeType.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.FLOATS, floats: value.floats };
}
