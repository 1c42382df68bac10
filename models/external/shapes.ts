/**
 * A small concrete shape propagator for ONNX graphs: with every symbolic input dimension bound
 * to a number (N candidates, R = 1 user), it walks the nodes in order and computes each output's
 * dims, plus the values of small integer tensors (Shape -> Gather -> Concat -> Reshape chains).
 * onnxruntime-node exposes no shape inference, hence this. Supported ops are SHAPE_RULES' keys
 * (listed in docs/own-model.md); any other op's outputs are unknown, and the op is reported.
 */
import type { AttrValue, OnnxGraphFile, OnnxNode } from './onnx-file.ts';

export interface ValueShape {
  dims: number[];
  /** values, for small integer tensors whose contents are known */
  ints?: number[];
}
export type ShapeMap = Map<string, ValueShape>;

type Rule = (inputs: (ValueShape | undefined)[], node: OnnxNode) => (ValueShape | undefined)[];

const prod = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
const intAttr = (a: AttrValue, fallback: number): number => (typeof a === 'number' ? a : fallback);
const intsAttr = (a: AttrValue): number[] | undefined => (Array.isArray(a) ? a : undefined);
const norm = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

export function broadcast(...shapes: number[][]): number[] | undefined {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v !== 1 && d !== 1 && v !== d) return undefined;
      if (v !== 1) d = v;
    }
    out.push(d);
  }
  return out;
}

const same: Rule = ([x]) => [x ? { dims: x.dims } : undefined];
const elementwise: Rule = (ins) => {
  if (ins.some((x) => x === undefined)) return [undefined];
  const dims = broadcast(...ins.map((x) => x!.dims));
  return [dims ? { dims } : undefined];
};
const intArith = (f: (a: number, b: number) => number): Rule => (ins, node) => {
  const [out] = elementwise(ins, node);
  const [a, b] = ins;
  if (!out || a?.ints === undefined || b?.ints === undefined) return [out];
  const n = prod(out.dims);
  return [{ ...out, ints: Array.from({ length: n }, (_, i) => f(a.ints![a.ints!.length === 1 ? 0 : i]!, b.ints![b.ints!.length === 1 ? 0 : i]!)) }];
};

function matMulDims(a: number[], b: number[]): number[] | undefined {
  const A = a.length === 1 ? [1, a[0]!] : a;
  const B = b.length === 1 ? [b[0]!, 1] : b;
  if (A[A.length - 1] !== B[B.length - 2]) return undefined;
  const batch = broadcast(A.slice(0, -2), B.slice(0, -2));
  if (!batch) return undefined;
  const out = [...batch, A[A.length - 2]!, B[B.length - 1]!];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.splice(out.length - 1, 1);
  return out;
}

function reshapeDims(x: number[], shape: number[]): number[] | undefined {
  const out = shape.map((d, i) => (d === 0 ? x[i]! : d));
  const known = prod(out.filter((d) => d !== -1));
  const free = out.indexOf(-1);
  if (free >= 0) out[free] = known === 0 ? 0 : prod(x) / known;
  return prod(out) === prod(x) && Number.isInteger(out[free] ?? 0) ? out : undefined;
}

/** axes from the attribute (older opsets) or the second input (newer). */
function axesOf(node: OnnxNode, ins: (ValueShape | undefined)[], index: number): number[] | undefined {
  return intsAttr(node.attrs.axes) ?? ins[index]?.ints;
}

const reduce: Rule = (ins, node) => {
  const x = ins[0];
  if (!x) return [undefined];
  const keep = intAttr(node.attrs.keepdims, 1) === 1;
  const axes = axesOf(node, ins, 1);
  if (axes === undefined && ins.length > 1 && node.inputs[1] !== '') return [undefined];
  const all = axes === undefined || axes.length === 0 ? (intAttr(node.attrs.noop_with_empty_axes, 0) === 1 ? [] : x.dims.map((_, i) => i)) : axes.map((a) => norm(a, x.dims.length));
  const dims = x.dims.flatMap((d, i) => (all.includes(i) ? (keep ? [1] : []) : [d]));
  return [{ dims }];
};

function sliceRule(ins: (ValueShape | undefined)[], node: OnnxNode): (ValueShape | undefined)[] {
  const x = ins[0];
  const starts = intsAttr(node.attrs.starts) ?? ins[1]?.ints;
  const ends = intsAttr(node.attrs.ends) ?? ins[2]?.ints;
  if (!x || !starts || !ends) return [undefined];
  const axes = (intsAttr(node.attrs.axes) ?? ins[3]?.ints ?? starts.map((_, i) => i)).map((a) => norm(a, x.dims.length));
  const steps = ins[4]?.ints ?? starts.map(() => 1);
  const dims = [...x.dims];
  const ranges: [number, number, number][] = x.dims.map((d) => [0, d, 1]);
  axes.forEach((axis, i) => {
    const d = x.dims[axis]!;
    const step = steps[i] ?? 1;
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    const s = clamp(starts[i]!, 0, step > 0 ? d : d - 1);
    const e = clamp(ends[i]!, step > 0 ? 0 : -1, d);
    dims[axis] = Math.max(0, Math.ceil((e - s) / step));
    ranges[axis] = [s, e, step];
  });
  const ints = x.ints && x.dims.length === 1 ? sliceInts(x.ints, ranges[0]!) : undefined;
  return [{ dims, ...(ints ? { ints } : {}) }];
}
function sliceInts(v: number[], [s, e, step]: [number, number, number]): number[] {
  const out: number[] = [];
  for (let i = s; step > 0 ? i < e : i > e; i += step) out.push(v[i]!);
  return out;
}

function convRule(ins: (ValueShape | undefined)[], node: OnnxNode): (ValueShape | undefined)[] {
  const [x, w] = ins;
  if (!x || !w) return [undefined];
  const spatial = x.dims.length - 2;
  const kernel = intsAttr(node.attrs.kernel_shape) ?? w.dims.slice(2);
  const strides = intsAttr(node.attrs.strides) ?? kernel.map(() => 1);
  const dilations = intsAttr(node.attrs.dilations) ?? kernel.map(() => 1);
  const pads = intsAttr(node.attrs.pads) ?? new Array<number>(2 * spatial).fill(0);
  const autoPad = typeof node.attrs.auto_pad === 'string' ? node.attrs.auto_pad : 'NOTSET';
  const out = [x.dims[0]!, w.dims[0]!];
  for (let i = 0; i < spatial; i++) {
    const d = x.dims[i + 2]!;
    const k = (kernel[i]! - 1) * dilations[i]! + 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') out.push(Math.ceil(d / strides[i]!));
    else if (autoPad === 'VALID') out.push(Math.floor((d - k) / strides[i]!) + 1);
    else out.push(Math.floor((d + pads[i]! + pads[i + spatial]! - k) / strides[i]!) + 1);
  }
  return [{ dims: out }];
}

const UNARY = ['Relu', 'Tanh', 'Sigmoid', 'Erf', 'Gelu', 'Exp', 'Log', 'Sqrt', 'Neg', 'Abs', 'Identity', 'Softmax', 'LogSoftmax', 'LeakyRelu', 'Elu', 'Selu', 'HardSigmoid', 'HardSwish', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign', 'Softplus', 'Not', 'Clip', 'Dropout', 'LayerNormalization', 'BatchNormalization', 'InstanceNormalization', 'Sin', 'Cos', 'IsNaN', 'QuickGelu', 'FastGelu', 'SimplifiedLayerNormalization', 'SkipLayerNormalization'];

export const SHAPE_RULES: Readonly<Record<string, Rule>> = {
  ...Object.fromEntries(UNARY.map((op) => [op, same])),
  Cast: ([x]) => [x ? { ...x } : undefined],
  Add: intArith((a, b) => a + b),
  Sub: intArith((a, b) => a - b),
  Mul: intArith((a, b) => a * b),
  Div: intArith((a, b) => Math.trunc(a / b)),
  ...Object.fromEntries(['Pow', 'Max', 'Min', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Mod', 'And', 'Or', 'PRelu', 'Where', 'BiasGelu'].map((op) => [op, elementwise])),
  MatMul: ([a, b]) => [a && b ? (((d) => (d ? { dims: d } : undefined))(matMulDims(a.dims, b.dims))) : undefined],
  Gemm: ([a, b], node) => {
    if (!a || !b || a.dims.length !== 2 || b.dims.length !== 2) return [undefined];
    const M = intAttr(node.attrs.transA, 0) ? a.dims[1]! : a.dims[0]!;
    const N = intAttr(node.attrs.transB, 0) ? b.dims[0]! : b.dims[1]!;
    return [{ dims: [M, N] }];
  },
  Conv: convRule,
  Reshape: ([x, s]) => [x && s?.ints ? (((d) => (d ? { dims: d, ...(x.ints ? { ints: x.ints } : {}) } : undefined))(reshapeDims(x.dims, s.ints))) : undefined],
  Flatten: ([x], node) => {
    if (!x) return [undefined];
    const axis = norm(intAttr(node.attrs.axis, 1), x.dims.length);
    return [{ dims: [prod(x.dims.slice(0, axis)), prod(x.dims.slice(axis))] }];
  },
  Transpose: ([x], node) => {
    if (!x) return [undefined];
    const perm = intsAttr(node.attrs.perm) ?? x.dims.map((_, i) => x.dims.length - 1 - i);
    return [{ dims: perm.map((p) => x.dims[p]!) }];
  },
  Expand: ([x, s]) => [x && s?.ints ? (((d) => (d ? { dims: d } : undefined))(broadcast(x.dims, s.ints))) : undefined],
  Concat: (ins, node) => {
    if (ins.some((x) => x === undefined) || ins.length === 0) return [undefined];
    const xs = ins as ValueShape[];
    const axis = norm(intAttr(node.attrs.axis, 0), xs[0]!.dims.length);
    const dims = [...xs[0]!.dims];
    dims[axis] = xs.reduce((s, x) => s + x.dims[axis]!, 0);
    const ints = xs.every((x) => x.ints !== undefined) && dims.length === 1 ? xs.flatMap((x) => x.ints!) : undefined;
    return [{ dims, ...(ints ? { ints } : {}) }];
  },
  Split: (ins, node) => {
    const x = ins[0];
    if (!x) return node.outputs.map(() => undefined);
    const axis = norm(intAttr(node.attrs.axis, 0), x.dims.length);
    const parts = intsAttr(node.attrs.split) ?? ins[1]?.ints ?? node.outputs.map(() => Math.ceil(x.dims[axis]! / node.outputs.length));
    return parts.map((p) => ({ dims: x.dims.map((d, i) => (i === axis ? p : d)) }));
  },
  Slice: sliceRule,
  Shape: ([x], node) => {
    if (!x) return [undefined];
    const r = x.dims.length;
    const start = norm(intAttr(node.attrs.start, 0), r);
    const end = node.attrs.end === undefined ? r : norm(intAttr(node.attrs.end, r), r);
    const ints = x.dims.slice(start, end);
    return [{ dims: [ints.length], ints }];
  },
  Gather: ([x, idx], node) => {
    if (!x || !idx) return [undefined];
    const axis = norm(intAttr(node.attrs.axis, 0), x.dims.length);
    const dims = [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)];
    const ints = x.ints && idx.ints && x.dims.length === 1 ? idx.ints.map((i) => x.ints![i < 0 ? i + x.ints!.length : i]!) : undefined;
    return [{ dims, ...(ints ? { ints } : {}) }];
  },
  Unsqueeze: (ins, node) => {
    const x = ins[0];
    const axes = axesOf(node, ins, 1);
    if (!x || !axes) return [undefined];
    const rank = x.dims.length + axes.length;
    const at = new Set(axes.map((a) => norm(a, rank)));
    const dims: number[] = [];
    let j = 0;
    for (let i = 0; i < rank; i++) dims.push(at.has(i) ? 1 : x.dims[j++]!);
    return [{ dims, ...(x.ints ? { ints: x.ints } : {}) }];
  },
  Squeeze: (ins, node) => {
    const x = ins[0];
    if (!x) return [undefined];
    const axes = axesOf(node, ins, 1)?.map((a) => norm(a, x.dims.length));
    return [{ dims: x.dims.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)), ...(x.ints ? { ints: x.ints } : {}) }];
  },
  Pad: (ins, node) => {
    const x = ins[0];
    const pads = intsAttr(node.attrs.pads) ?? ins[1]?.ints;
    if (!x || !pads) return [undefined];
    const r = x.dims.length;
    return [{ dims: x.dims.map((d, i) => d + pads[i]! + pads[i + r]!) }];
  },
  ConstantOfShape: ([s]) => [s?.ints ? { dims: s.ints } : undefined],
  ...Object.fromEntries(['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL2', 'ReduceLogSumExp', 'ReduceSumSquare'].map((op) => [op, reduce])),
  Constant: (_ins, node) => {
    const t = node.attrs.value;
    if (typeof t === 'object' && !Array.isArray(t)) return [{ dims: t.dims, ...(t.ints ? { ints: t.ints } : {}) }];
    const ints = intsAttr(node.attrs.value_ints);
    if (ints) return [{ dims: [ints.length], ints }];
    return typeof node.attrs.value_int === 'number' ? [{ dims: [], ints: [node.attrs.value_int] }] : [undefined];
  },
};

export interface Propagated {
  shapes: ShapeMap;
  /** ops with no shape rule here (their outputs, and what depends on them, are unknown) */
  unsupportedOps: string[];
}

/** Propagate shapes through `graph` with the given input dims (all concrete). */
export function propagateShapes(graph: OnnxGraphFile, inputDims: ReadonlyMap<string, number[]>): Propagated {
  const shapes: ShapeMap = new Map();
  for (const [name, init] of graph.initializers) shapes.set(name, { dims: init.dims, ...(init.ints ? { ints: init.ints } : {}) });
  for (const [name, dims] of inputDims) shapes.set(name, { dims });
  const unsupported = new Set<string>();
  for (const node of graph.nodes) {
    const rule = node.domain === '' || node.domain === 'ai.onnx' || node.domain === 'com.microsoft' ? SHAPE_RULES[node.op] : undefined;
    if (!rule) {
      unsupported.add(node.domain === '' ? node.op : `${node.domain}.${node.op}`);
      continue;
    }
    const outs = rule(node.inputs.map((n) => (n === '' ? undefined : shapes.get(n))), node);
    node.outputs.forEach((name, i) => {
      const s = outs[i];
      if (s) shapes.set(name, s);
    });
  }
  return { shapes, unsupportedOps: [...unsupported].sort() };
}

export const numel = prod;
