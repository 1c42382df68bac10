/**
 * The model's pieces as ONNX node groups, on token-major activations [Tk, N, D]: token t's rows
 * of all N samples are contiguous, so the per-token FFN is one batched MatMul and the mixup one
 * Transpose. Every function mirrors a step of models/reference/model.ts.
 */
import type { DerivedShape } from '../config.ts';
import type { LayerWeights, ModelWeights } from '../weights/layout.ts';
import { float, type GraphBuilder } from './builder.ts';
import { stackedLinear, tokenLinear, type TokenRange } from './linear.ts';
import type { ResolvedGraphOptions } from './options.ts';

export interface BlockContext {
  g: GraphBuilder;
  s: DerivedShape;
  weights: ModelWeights;
  /** int8 weights in every FFN and compensation matrix (ugsep-w8a16) */
  int8: boolean;
  options: ResolvedGraphOptions;
}

/** Features [N, Tk*c] -> tokens [Tk, N, D]: chunk i times W[i] plus b[i]. */
export function tokenize(ctx: BlockContext, features: string, side: 'user' | 'group'): string {
  const { g, s, weights } = ctx;
  const [Tk, c, W, b] = side === 'user'
    ? [s.Tu, s.cu, weights.tokUserWeight, weights.tokUserBias]
    : [s.Tg, s.cg, weights.tokGroupWeight, weights.tokGroupBias];
  const chunks = g.op1('Reshape', [features, g.int64s('shape', [-1, Tk, c])]); // [N, Tk, c]
  const tokenMajor = g.op1('Transpose', [chunks], { perm: [1, 0, 2] }); // [Tk, N, c]
  const w = g.floats(`tokenizer.${side}.weight`, [Tk, c, s.D], W);
  const bias = g.floats(`tokenizer.${side}.bias`, [Tk, 1, s.D], b);
  return g.op1('Add', [g.op1('MatMul', [tokenMajor, w]), bias]); // [Tk, N, D]
}

/**
 * Full mixup M[h, n, t*d:(t+1)*d] = X[t, n, h*d:(h+1)*d], with the UG mask (user heads h < Tu
 * see zeros at group columns t >= Tu) as a constant 0/1 multiplier when `masked`.
 */
export function mixup(ctx: BlockContext, X: string, masked: boolean): string {
  const { g, s } = ctx;
  const blocks = g.op1('Reshape', [X, g.int64s('shape', [s.T, -1, s.T, s.d])]); // [T(t), N, T(h), d]
  const swapped = g.op1('Transpose', [blocks], { perm: [2, 1, 0, 3] }); // [T(h), N, T(t), d]
  const M = g.op1('Reshape', [swapped, g.int64s('shape', [s.T, -1, s.D])]); // [T, N, D]
  if (!masked) return M;
  const mask = new Float32Array(s.T * s.D).fill(1); // [T, 1, D]
  for (let h = 0; h < s.Tu; h++) mask.fill(0, h * s.D + s.Tu * s.d, (h + 1) * s.D);
  return g.op1('Mul', [M, g.floats('ug_mask', [s.T, 1, s.D], mask)]); // [T, N, D]
}

/** Mixup of the user heads alone from user rows [Tu, R, D]: group columns are zero. */
export function userMixup(ctx: BlockContext, Xu: string): string {
  const { g, s } = ctx;
  const blocks = g.op1('Reshape', [Xu, g.int64s('shape', [s.Tu, -1, s.T, s.d])]); // [Tu(t), R, T(h), d]
  const userHeads = g.op1('Slice', [blocks, g.int64s('starts', [0]), g.int64s('ends', [s.Tu]), g.int64s('axes', [2])]); // [Tu(t), R, Tu(h), d]
  const swapped = g.op1('Transpose', [userHeads], { perm: [2, 1, 0, 3] }); // [Tu(h), R, Tu(t), d]
  const userCols = g.op1('Reshape', [swapped, g.int64s('shape', [s.Tu, -1, s.Tu * s.d])]); // [Tu, R, Tu*d]
  return g.op1('Pad', [userCols, g.int64s('pads', [0, 0, 0, 0, 0, s.Tg * s.d])]); // [Tu, R, D]
}

/**
 * Group heads' mixup rows plus the residual, from the candidates' group rows Xg [Tg, N, D] and
 * the user slices (X[t<Tu, h*d:(h+1)*d] for h >= Tu): one user's [1, Tu, Tg*d] broadcast over
 * N, or with `perRow` one user's slices per candidate row, [N, Tu, Tg*d] (a batch of users).
 * Returns M_g + Xg: [Tg, N, D].
 */
export function groupMixupResidual(ctx: BlockContext, Xg: string, userSlices: string, perRow = false): string {
  const { g, s } = ctx;
  const { Tu, Tg, T, d } = s;
  // User columns: M[Tu+j, n, t*d+c] = slices[n or 0, t, j*d+c] for t < Tu.
  let userPart: string;
  if (perRow) {
    const sl = g.op1('Reshape', [userSlices, g.int64s('shape', [-1, Tu, Tg, d])]); // [N, Tu(t), Tg(j), d]
    const slT = g.op1('Transpose', [sl], { perm: [2, 0, 1, 3] }); // [Tg(j), N, Tu(t), d]
    userPart = g.op1('Reshape', [slT, g.int64s('shape', [Tg, -1, Tu * d])]); // [Tg, N, Tu*d]
  } else {
    const sl = g.op1('Reshape', [userSlices, g.int64s('shape', [Tu, Tg, d])]); // [Tu(t), Tg(j), d]
    const slT = g.op1('Transpose', [sl], { perm: [1, 0, 2] }); // [Tg(j), Tu(t), d]
    userPart = g.op1('Reshape', [slT, g.int64s('shape', [Tg, 1, Tu * d])]); // [Tg, 1, Tu*d]
  }
  // Group columns: M[Tu+j, n, (Tu+t')*d+c] = Xg[t', n, (Tu+j)*d+c].
  const blocks = g.op1('Reshape', [Xg, g.int64s('shape', [Tg, -1, T, d])]); // [Tg(t'), N, T(h), d]
  const groupHeads = g.op1('Slice', [blocks, g.int64s('starts', [Tu]), g.int64s('ends', [T]), g.int64s('axes', [2])]); // [Tg(t'), N, Tg(j), d]
  const swapped = g.op1('Transpose', [groupHeads], { perm: [2, 1, 0, 3] }); // [Tg(j), N, Tg(t'), d]
  const groupPart = g.op1('Reshape', [swapped, g.int64s('shape', [Tg, -1, Tg * d])]); // [Tg, N, Tg*d]
  // Residual, column block by column block, so each element is the same single add as the monolith's.
  const [xUserCols, xGroupCols] = g.op(
    'Split',
    [Xg, g.int64s('split', [Tu * d, Tg * d])],
    { axis: 2 },
    { outputs: 2 },
  ) as [string, string]; // [Tg, N, Tu*d], [Tg, N, Tg*d]
  const userSum = g.op1('Add', [userPart, xUserCols]); // [Tg, N, Tu*d]
  const groupSum = g.op1('Add', [groupPart, xGroupCols]); // [Tg, N, Tg*d]
  return g.op1('Concat', [userSum, groupSum], { axis: 2 }); // [Tg, N, D]
}

/** LayerNorm over D (eps 1e-5) with layer parameters. */
export function layerNorm(ctx: BlockContext, x: string, gain: Float32Array, shift: Float32Array, name: string): string {
  const { g, s } = ctx;
  return g.op1('LayerNormalization', [x, g.floats(`${name}.weight`, [s.D], gain), g.floats(`${name}.bias`, [s.D], shift)], {
    axis: -1,
    epsilon: float(1e-5),
  }); // same shape as x
}

/**
 * X = LN2(S + GELU(S @ W1[t] + b1[t]) @ W2[t] + b2[t]) for the token positions of `range`.
 * Batched (fp32 only): two 3-D MatMuls over all tokens. Per-token: one Split, then each
 * token's whole chain on 2-D [N, D] rows (prepacked weights, bias folded into the GEMM), then
 * one Concat.
 */
export function ffnAndNorm(ctx: BlockContext, S: string, p: LayerWeights, n: number, range: TokenRange): string {
  const { g, s, int8, options } = ctx;
  const w1 = { name: `layers.${n}.ffn.1`, weight: p.w1, bias: p.b1, K: s.D, Nout: s.H };
  const w2 = { name: `layers.${n}.ffn.2`, weight: p.w2, bias: p.b2, K: s.H, Nout: s.D };
  const norm = (x: string): string => layerNorm(ctx, x, p.ln2Weight, p.ln2Bias, `layers.${n}.ln2`);
  if (!int8 && options.ffnLayout === 'batched') {
    const hidden = g.op1('Gelu', [stackedLinear(g, S, w1, range)]); // [Tk, N, H], exact erf GELU
    return norm(g.op1('Add', [S, stackedLinear(g, hidden, w2, range)])); // [Tk, N, D]
  }
  const rows = splitTokens(ctx, S, range.count); // Tk x [N, D]
  const outs = rows.map((x, i) => {
    const t = range.first + i;
    const hidden = g.op1('Gelu', [tokenLinear(g, x, w1, t, int8, options)]); // [N, H]
    return norm(g.op1('Add', [x, tokenLinear(g, hidden, w2, t, int8, options)])); // [N, D]
  });
  return concatTokens(ctx, outs); // [Tk, N, D]
}

/**
 * Compensation c_j = mean_h<Tu(Su[h]) @ Wc[j] + bc[j] from user rows Su [Tu, N, D], as one GEMM
 * z [N, D] x [D, Tg*D] (the Tg matrices side by side: per-output-channel int8 scales are the
 * same either way). Returns [N, Tg, D]: the user graph's output layout as is.
 */
export function compensation(ctx: BlockContext, Su: string, p: LayerWeights, n: number): string {
  const { g, s, int8, options } = ctx;
  const z = g.op1('ReduceMean', [Su, g.int64s('axes', [0])], { keepdims: 0 }); // [N, D]
  const stack = { name: `layers.${n}.comp`, weight: sideBySide(p.compWeight!, s.Tg, s.D), bias: p.compBias!, K: s.D, Nout: s.Tg * s.D };
  const c = tokenLinear(g, z, stack, 0, int8, options); // [N, Tg*D]
  return g.op1('Reshape', [c, g.int64s('shape', [-1, s.Tg, s.D])]); // [N, Tg, D]
}

/** [count, K, M] stacked matrices -> one [K, count*M] matrix, matrix j in columns j*M..(j+1)*M. */
function sideBySide(w: Float32Array, count: number, K: number, M = K): Float32Array {
  const out = new Float32Array(count * K * M);
  for (let j = 0; j < count; j++) {
    for (let k = 0; k < K; k++) out.set(w.subarray((j * K + k) * M, (j * K + k + 1) * M), k * count * M + j * M);
  }
  return out;
}

/**
 * [Tk, N, D] -> Tk tensors [N, D]: viewed as [Tk*N, D] (a free reshape) and split into Tk equal
 * row blocks (opset 18 num_outputs, so N can stay dynamic), with no Squeeze per token.
 */
function splitTokens(ctx: BlockContext, x: string, count: number): string[] {
  const { g, s } = ctx;
  const rows = g.op1('Reshape', [x, g.int64s('shape', [-1, s.D])]); // [Tk*N, D]
  return count === 1 ? [rows] : g.op('Split', [rows], { axis: 0, num_outputs: count }, { outputs: count }); // Tk x [N, D]
}

/** Tk tensors [N, D] -> [Tk, N, D]. */
function concatTokens(ctx: BlockContext, parts: string[]): string {
  const { g, s } = ctx;
  const rows = parts.length === 1 ? parts[0]! : g.op1('Concat', parts, { axis: 0 }); // [Tk*N, D]
  return g.op1('Reshape', [rows, g.int64s('shape', [parts.length, -1, s.D])]); // [Tk, N, D]
}

/** score = sigmoid(pooled @ wh + bh) from pooled [N, D] -> [N]. */
export function head(ctx: BlockContext, pooled: string): string {
  const { g, s, weights } = ctx;
  const logit = g.op1('Add', [g.op1('MatMul', [pooled, g.floats('head.weight', [s.D, 1], weights.headWeight)]), g.floats('head.bias', [1], weights.headBias)]); // [N, 1]
  return g.op1('Reshape', [g.op1('Sigmoid', [logit]), g.int64s('shape', [-1])]); // [N]
}
