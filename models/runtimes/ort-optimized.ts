/**
 * What a session really runs, read from the graph ORT optimized (the `optimizedModelFilePath`
 * session option): the matmul operators left after fusion, their attributes, and a numeric
 * signature of the fp32 GEMM weights (int8-grid columns = dequantized int8 weights). Results
 * label kernels and activation precision from this, never from the kernel that was asked for.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ModelProto } from '../onnx/onnx-proto.ts';

/** What ran at the int8 matmuls of one graph. */
export interface RanKernel {
  /** 'matmulnbits-bB' | 'dynamic' | 'strict' | 'dequant-fp32' | 'fp32' | a mix joined by '+' */
  kernel: string;
  /** the activation precision at those matmuls, in words */
  activationPrecision: string;
  /** op_type -> count in the optimized graph, matmul-like operators only */
  matmulOps: Record<string, number>;
  /** fp32 GEMM weight matrices whose every column lies on a 255-level symmetric grid / all checked */
  int8GridWeights: { onGrid: number; checked: number };
}

interface Attr {
  name: string;
  i?: number | { toNumber(): number };
  type?: number;
}
interface Node {
  op_type: string;
  input: string[];
  output?: string[];
  attribute?: Attr[];
}
interface Tensor {
  name: string;
  dims: Array<number | { toNumber(): number }>;
  data_type: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  external_data?: Array<{ key: string; value: string }>;
}

const MATMUL_OPS = new Set(['MatMul', 'Gemm', 'FusedMatMul', 'FusedGemm', 'MatMulNBits', 'DynamicQuantizeMatMul', 'MatMulInteger', 'MatMulIntegerToFloat', 'QGemm']);
const num = (v: number | { toNumber(): number } | undefined): number => (v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber());
const attr = (node: Node, name: string): number => num(node.attribute?.find((a) => a.name === name)?.i);

/** The session options that make ORT write the optimized graph (large initializers to a side file). */
export async function optimizedGraphTarget(): Promise<{ dir: string; modelFile: string; options: { optimizedModelFilePath: string; extra: Record<string, unknown> } }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ugbench-optimized-'));
  const modelFile = path.join(dir, 'optimized.onnx');
  return {
    dir,
    modelFile,
    options: {
      optimizedModelFilePath: modelFile,
      extra: { session: { optimized_model_external_initializers_file_name: 'weights.bin', optimized_model_external_initializers_min_size_in_bytes: '1024' } },
    },
  };
}

/** Read and delete the optimized graph ORT wrote into `dir`; classify its int8 matmuls. */
export async function readRanKernel(dir: string, modelFile: string): Promise<RanKernel> {
  try {
    const model = ModelProto.decode(await readFile(modelFile)) as unknown as { graph: { node: Node[]; initializer: Tensor[] } };
    const weights = await readSideFile(dir);
    return classify(model.graph.node, model.graph.initializer, weights);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readSideFile(dir: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path.join(dir, 'weights.bin'));
  } catch {
    return undefined;
  }
}

export function classify(nodes: readonly Node[], initializers: readonly Tensor[], sideFile: Buffer | undefined): RanKernel {
  const matmulOps: Record<string, number> = {};
  const kinds = new Set<string>();
  const byName = new Map(initializers.map((t) => [t.name, t]));
  const grid = { onGrid: 0, checked: 0 };
  const hasFp16Cast = nodes.some((n) => n.op_type === 'Cast' && attr(n, 'to') === 10);
  const hiLo = hiLoInputs(nodes);
  for (const node of nodes) {
    if (!MATMUL_OPS.has(node.op_type)) continue;
    matmulOps[node.op_type] = (matmulOps[node.op_type] ?? 0) + 1;
    if (node.op_type === 'MatMulNBits') {
      const level = attr(node, 'accuracy_level');
      const blocks = attr(node, 'block_size');
      if (level === 4) kinds.add(hiLo.has(node.input[0] ?? '') ? `hilo-b${blocks}` : `matmulnbits-b${blocks}`);
      else kinds.add(`matmulnbits-a${level}`);
    } else if (node.op_type === 'DynamicQuantizeMatMul' || node.op_type === 'MatMulIntegerToFloat') {
      kinds.add('dynamic');
    } else {
      const weight = byName.get(node.input[1] ?? '');
      const values = weight ? floatValues(weight, sideFile) : undefined;
      const dims = weight?.dims.map(num) ?? [];
      // Only the 2-D matrices (FFN, compensation): the tokenizer (3-D) and the head ([D, 1]) stay fp32 by design.
      if (!values || dims.length !== 2 || dims[0]! < 4 || dims[1]! < 4) continue;
      grid.checked++;
      if (onInt8Grid(values, dims[0]!, dims[1]!)) grid.onGrid++;
    }
  }
  if (grid.checked > 0) kinds.add(grid.onGrid === grid.checked ? 'dequant-fp32' : grid.onGrid === 0 ? 'fp32' : 'dequant-fp32+fp32');
  const kernel = [...kinds].map((k) => (k === 'matmulnbits-a1' && hasFp16Cast ? 'strict' : k)).sort().join('+') || 'none';
  return { kernel, activationPrecision: activationWords(kernel, hasFp16Cast), matmulOps, int8GridWeights: grid };
}

/**
 * Tensors that carry hi/lo activation digits: the (reshaped) Concat of a Round-ed grid value and
 * its residual (Sub of the same block tensor and that value). A MatMulNBits fed by one
 * multiplies ~16-bit activations (linear.ts hiloLinear), whatever its accuracy level says.
 */
function hiLoInputs(nodes: readonly Node[]): Set<string> {
  const producer = new Map<string, Node>();
  for (const n of nodes) for (const out of n.output ?? []) producer.set(out, n);
  const through = (name: string): Node | undefined => {
    let node = producer.get(name);
    while (node?.op_type === 'Reshape') node = producer.get(node.input[0] ?? '');
    return node;
  };
  const fromRound = (name: string): boolean => {
    const node = producer.get(name);
    return node?.op_type === 'Mul' && node.input.some((i) => producer.get(i)?.op_type === 'Round');
  };
  const found = new Set<string>();
  for (const n of nodes) {
    if (n.op_type !== 'Reshape') continue;
    const concat = through(n.input[0] ?? '');
    const [hi, lo] = concat?.op_type === 'Concat' ? concat.input : [];
    const residual = lo === undefined ? undefined : producer.get(lo);
    if (hi !== undefined && fromRound(hi) && residual?.op_type === 'Sub' && residual.input[1] === hi) for (const out of n.output ?? []) found.add(out);
  }
  return found;
}

function activationWords(kernel: string, hasFp16Cast: boolean): string {
  return kernel
    .split('+')
    .map((k) => {
      if (k.startsWith('matmulnbits-b')) return `W8A8: int8 dynamic activations (ORT CPU MatMulNBits accuracy level 4) in blocks of ${k.slice('matmulnbits-b'.length)}`;
      if (k.startsWith('hilo-b')) return `W8A16: ~16-bit activations as two int8 digits (grid value + residual) per block of ${k.slice('hilo-b'.length)} into MatMulNBits`;
      if (k === 'dynamic') return 'W8A8: uint8 dynamic per-tensor activations (com.microsoft.DynamicQuantizeMatMul)';
      if (k === 'strict') return 'fp16-rounded activations, fp32 compute (MatMulNBits accuracy level 1)';
      if (k.startsWith('matmulnbits-a')) return `fp32 activations (MatMulNBits accuracy level ${k.slice('matmulnbits-a'.length)})`;
      return hasFp16Cast ? 'fp16-rounded activations, fp32 compute' : 'fp32 activations';
    })
    .join('; ');
}

function floatValues(t: Tensor, sideFile: Buffer | undefined): Float32Array | undefined {
  if (t.data_type !== 1) return undefined;
  if (t.raw_data && t.raw_data.byteLength > 0) return floatsOf(t.raw_data);
  if (t.float_data && t.float_data.length > 0) return Float32Array.from(t.float_data);
  const ext = Object.fromEntries((t.external_data ?? []).map((e) => [e.key, e.value]));
  if (!sideFile || ext.offset === undefined || ext.length === undefined) return undefined;
  const offset = Number(ext.offset);
  return floatsOf(sideFile.subarray(offset, offset + Number(ext.length)));
}

/** Little-endian float32 values of `bytes` (copied: protobufjs and fs hand out unaligned views). */
function floatsOf(bytes: Uint8Array): Float32Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer, 0, copy.byteLength >> 2);
}

/**
 * True when every column of w [K, Nout] (or, for a transposed weight, every row) is q * s with
 * integer |q| <= 127 and s = max |column| / 127: the signature of dequantized int8 weights.
 * Random fp32 weights fail it at the first column.
 */
export function onInt8Grid(w: Float32Array, K: number, Nout: number): boolean {
  const lineOnGrid = (at: (i: number) => number, length: number): boolean => {
    let max = 0;
    for (let i = 0; i < length; i++) max = Math.max(max, Math.abs(at(i)));
    if (max === 0) return true;
    const scale = max / 127;
    for (let i = 0; i < length; i++) {
      const q = at(i) / scale;
      if (Math.abs(q - Math.round(q)) > 1e-3) return false;
    }
    return true;
  };
  const columns = (): boolean => {
    for (let j = 0; j < Nout; j++) if (!lineOnGrid((i) => w[i * Nout + j]!, K)) return false;
    return true;
  };
  const rows = (): boolean => {
    for (let i = 0; i < K; i++) if (!lineOnGrid((j) => w[i * Nout + j]!, Nout)) return false;
    return true;
  };
  return columns() || rows();
}
