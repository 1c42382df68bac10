/**
 * Cost facts of a user's ONNX graph, from the graph itself (docs/own-model.md):
 * - FLOPs of every MatMul (2 * output elements * K), Gemm (2 * M * N * K) and Conv
 *   (2 * output elements * C_in/group * kernel elements); nothing else is counted (elementwise,
 *   normalization, reductions and data movement are O(elements), listed in NOT_COUNTED);
 * - weight bytes: every initializer read by those ops, once per initializer;
 * - activation bytes: the bytes of every node output written.
 * Shapes come from the propagator at concrete N; the cost per request is evaluated at two values
 * of N to give the affine a + b*N, and checked at a third (a graph whose cost is not affine in N,
 * e.g. attention across candidates, says so). Ops whose shapes are unknown make the cost partial,
 * with their names: never a silent zero.
 */
import type { AffineCost, AffinePair } from '../../harness/results/contract.ts';
import { ELEM_BYTES, type OnnxGraphFile, type OnnxNode } from './onnx-file.ts';
import { numel, propagateShapes, type ShapeMap } from './shapes.ts';

export const COUNTED_OPS = ['MatMul', 'Gemm', 'Conv'] as const;
/** compute-heavy ops this cost does not count: a graph with any of them has a partial cost */
export const HEAVY_UNCOUNTED_OPS = ['MatMulNBits', 'MatMulInteger', 'QLinearMatMul', 'DynamicQuantizeMatMul', 'FusedMatMul', 'QGemm', 'QLinearConv', 'ConvInteger', 'ConvTranspose', 'Einsum', 'Attention', 'MultiHeadAttention', 'LSTM', 'GRU', 'RNN', 'Loop', 'Scan', 'If'];

export interface GraphCostAt {
  flops: number;
  weightBytes: number;
  activationBytes: number;
  /** op names (and why) that make this figure a lower bound */
  partial: string[];
}

/** Cost of one graph run with the given concrete input dims. */
export function graphCostAt(graph: OnnxGraphFile, inputDims: ReadonlyMap<string, number[]>): GraphCostAt {
  const { shapes, unsupportedOps } = propagateShapes(graph, inputDims);
  const partial = new Set(unsupportedOps.map((op) => `${op} (no shape rule)`));
  let flops = 0;
  let activationBytes = 0;
  const weights = new Set<string>();
  for (const node of graph.nodes) {
    if ((COUNTED_OPS as readonly string[]).includes(node.op) && node.domain === '') {
      const f = nodeFlops(node, shapes);
      if (f === undefined) partial.add(`${node.op} ${node.outputs[0] ?? ''} (shape unknown)`);
      else flops += f;
      for (const input of node.inputs) if (graph.initializers.has(input)) weights.add(input);
    } else if (HEAVY_UNCOUNTED_OPS.includes(node.op)) {
      partial.add(`${node.op} (not counted)`);
    }
    for (const out of node.outputs) {
      const s = shapes.get(out);
      const elemType = outputElemType(graph, out);
      if (s) activationBytes += numel(s.dims) * (ELEM_BYTES[elemType] ?? 4);
    }
  }
  let weightBytes = 0;
  for (const name of weights) {
    const init = graph.initializers.get(name)!;
    weightBytes += numel(init.dims) * (ELEM_BYTES[init.elemType] ?? 4);
  }
  return { flops, weightBytes, activationBytes, partial: [...partial].sort() };
}

/** float32 unless the graph says otherwise (outputs of Shape-like ops are small either way). */
function outputElemType(graph: OnnxGraphFile, name: string): number {
  return graph.outputs.find((o) => o.name === name)?.elemType ?? 1;
}

function nodeFlops(node: OnnxNode, shapes: ShapeMap): number | undefined {
  const a = shapes.get(node.inputs[0] ?? '');
  const b = shapes.get(node.inputs[1] ?? '');
  const out = shapes.get(node.outputs[0] ?? '');
  if (!a || !b || !out) return undefined;
  if (node.op === 'MatMul') return 2 * numel(out.dims) * a.dims[a.dims.length - 1]!;
  if (node.op === 'Gemm') {
    const K = node.attrs.transA === 1 ? a.dims[0]! : a.dims[1]!;
    return 2 * numel(out.dims) * K;
  }
  // Conv: W [C_out, C_in/group, k...]: each output element is C_in/group * prod(k) MACs
  return 2 * numel(out.dims) * numel(b.dims.slice(1));
}

export interface AffineGraphCost {
  cost: AffineCost;
  /** union of the partial reasons at every N evaluated */
  partial: string[];
  /** false when the cost at a third N is not on the line through the first two */
  affineInN: boolean;
  /** the N values it was evaluated at */
  evaluatedAtN: number[];
}

/** The N values the cost is evaluated at (the third checks that it is affine). */
export const COST_N = [1, 8, 3] as const;

/**
 * Cost of a sequence of graph runs per request as a + b*N. `dimsAt(N)` gives each graph's input
 * dims for a request of N candidates.
 */
export function affineCost(runs: { graph: OnnxGraphFile; dimsAt: (N: number) => Map<string, number[]> }[]): AffineGraphCost {
  const at = (N: number): GraphCostAt => {
    const parts = runs.map((r) => graphCostAt(r.graph, r.dimsAt(N)));
    return {
      flops: parts.reduce((s, p) => s + p.flops, 0),
      weightBytes: parts.reduce((s, p) => s + p.weightBytes, 0),
      activationBytes: parts.reduce((s, p) => s + p.activationBytes, 0),
      partial: parts.flatMap((p) => p.partial),
    };
  };
  const [n1, n2, n3] = COST_N;
  const [c1, c2, c3] = [at(n1), at(n2), at(n3)];
  const pair = (k: 'flops' | 'weightBytes' | 'activationBytes'): AffinePair => {
    const perCandidate = (c2[k] - c1[k]) / (n2 - n1);
    return { perRequest: c1[k] - n1 * perCandidate, perCandidate };
  };
  const cost = { flops: pair('flops'), weightBytes: pair('weightBytes'), activationBytes: pair('activationBytes') };
  const predicted3 = cost.flops.perRequest + n3 * cost.flops.perCandidate;
  return { cost, partial: [...new Set([...c1.partial, ...c2.partial, ...c3.partial])].sort(), affineInN: Math.abs(predicted3 - c3.flops) <= 1e-9 * Math.max(1, c3.flops), evaluatedAtN: [...COST_N] };
}
