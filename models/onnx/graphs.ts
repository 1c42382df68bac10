/**
 * The ONNX graphs of every variant, built from ModelWeights with the exact math of
 * models/reference/model.ts:
 * - `whole`: baseline, or the masked ugsep monolith (the "no reuse" control): one user
 *   [1, Fu] and N candidates [N, Fg] -> scores [N]. The user row is expanded to N samples
 *   first, so every candidate really recomputes the user tokens (what the baseline costs).
 * - `user` (ugsep variants): user features [R, Fu] -> per layer the user slices
 *   [R, Tu, Tg*d] and compensation vectors [R, Tg, D], and the final user row sum [R, D].
 * - `group` (ugsep variants): N candidates [N, Fg] + one user's state (R = 1, broadcast) -> [N].
 * The `batched` form of `whole` and `group` (dynamic batching) takes R users' features or states
 * and an int64 index `row_user` [N] tying candidate row n to user row_user[n]: a Gather gives
 * every row its own user's features or state, and the math per row is unchanged.
 */
import { derive } from '../config.ts';
import { InputError } from '../../harness/errors.ts';
import { VARIANT_TRAITS, type Variant } from '../variants.ts';
import { hasCompensation, type ModelWeights } from '../weights/layout.ts';
import { GraphBuilder, type Dim } from './builder.ts';
import { DataType } from './onnx-proto.ts';
import { compensation, ffnAndNorm, groupMixupResidual, head, layerNorm, mixup, tokenize, userMixup, type BlockContext } from './blocks.ts';
import { OPSETS, resolveGraphOptions, type GraphOptions, type ResolvedGraphOptions } from './options.ts';

export const INPUT_USER = 'user_features';
export const INPUT_GROUP = 'group_features';
export const OUTPUT_SCORES = 'scores';
export const userSlicesName = (layer: number): string => `user_slices_${layer}`;
export const userCompName = (layer: number): string => `user_comp_${layer}`;
export const USER_SUM = 'user_sum';
export const INPUT_ROW_USER = 'row_user';

/** 'one-user': a request's candidates of one user; 'batched': rows of R users tied by `row_user`. */
export type GraphForm = 'one-user' | 'batched';

export type GraphRole = 'whole' | 'user' | 'group';

/** A tensor at a graph boundary: name, ONNX dtype, dims (strings are dynamic). */
export interface BoundaryTensor {
  name: string;
  dtype: 'float' | 'int64';
  dims: Dim[];
}

export interface BuiltGraph {
  role: GraphRole;
  /** serialized ModelProto */
  model: Uint8Array;
  inputs: BoundaryTensor[];
  outputs: BoundaryTensor[];
  /** bytes of weights stored in the graph */
  initializerBytes: number;
}

function context(weights: ModelWeights, variant: Variant, options: ResolvedGraphOptions, name: string): BlockContext {
  const traits = VARIANT_TRAITS[variant];
  if (traits.compensation && !hasCompensation(weights)) {
    throw new InputError('weights', [`layers.0.comp.weight: variant ${variant} needs the compensation tensors layers.{n}.comp.*, and these weights have none`]);
  }
  return { g: new GraphBuilder(name), s: derive(weights.config), weights, int8: traits.int8Weights, options };
}

function finish(ctx: BlockContext, role: GraphRole, variant: Variant, options: ResolvedGraphOptions): BuiltGraph {
  const { g, s } = ctx;
  const meta = {
    'ugbench.variant': variant,
    'ugbench.role': role,
    'ugbench.config': JSON.stringify(ctx.weights.config),
    'ugbench.ffn_layout': options.ffnLayout,
    'ugbench.int8_kernel': ctx.int8 ? options.int8Kernel : 'none',
    'ugbench.activations': options.activations,
  };
  const model = g.encode(OPSETS, meta, `ugbench ${variant} ${role} graph, T=${s.T} Tu=${s.Tu} D=${s.D} L=${s.L}`);
  const boundary = (v: { name: string; elemType: number; dims: Dim[] }): BoundaryTensor => ({ name: v.name, dtype: v.elemType === DataType.int64 ? 'int64' : 'float', dims: [...v.dims] });
  return { role, model, inputs: g.inputInfos.map(boundary), outputs: g.outputInfos.map(boundary), initializerBytes: g.initializerBytes };
}

/** Each candidate row's copy of its user's [R, ...] tensor: Gather over R by `row_user` [N] -> [N, ...]. */
function perRow(ctx: BlockContext, perUser: string, rowUser: string): string {
  return ctx.g.op1('Gather', [perUser, rowUser], { axis: 0 });
}

/** baseline (unmasked) or the masked ugsep monolith on [T, N, D]. */
export function buildWholeGraph(weights: ModelWeights, variant: Variant, graphOptions: GraphOptions = {}, form: GraphForm = 'one-user'): BuiltGraph {
  const options = resolveGraphOptions(graphOptions);
  const traits = VARIANT_TRAITS[variant];
  const ctx = context(weights, variant, options, `${variant}_whole`);
  const { g, s } = ctx;
  const user = g.input(INPUT_USER, 'float', [form === 'batched' ? 'R' : 1, s.Fu]);
  const group = g.input(INPUT_GROUP, 'float', ['N', s.Fg]);
  let users: string; // one user row per candidate: [N, Fu]
  if (form === 'batched') {
    users = perRow(ctx, user, g.input(INPUT_ROW_USER, 'int64', ['N']));
  } else {
    const nDim = g.op1('Shape', [group], { start: 0, end: 1 }); // [1] = N
    const userShape = g.op1('Concat', [nDim, g.int64s('Fu', [s.Fu])], { axis: 0 }); // [2]
    users = g.op1('Expand', [user, userShape]); // [N, Fu]
  }
  let X = g.op1('Concat', [tokenize(ctx, users, 'user'), tokenize(ctx, group, 'group')], { axis: 0 }); // [T, N, D]
  weights.layers.forEach((p, n) => {
    const M = mixup(ctx, X, traits.masked); // [T, N, D]
    let S = layerNorm(ctx, g.op1('Add', [M, X]), p.ln1Weight, p.ln1Bias, `layers.${n}.ln1`); // [T, N, D]
    if (traits.compensation) {
      const [Su, Sg] = g.op('Split', [S, g.int64s('split', [s.Tu, s.Tg])], { axis: 0 }, { outputs: 2 }) as [string, string]; // [Tu, N, D], [Tg, N, D]
      const c = g.op1('Transpose', [compensation(ctx, Su, p, n)], { perm: [1, 0, 2] }); // [Tg, N, D]
      S = g.op1('Concat', [Su, g.op1('Add', [Sg, c])], { axis: 0 }); // [T, N, D]
    }
    X = ffnAndNorm(ctx, S, p, n, { first: 0, count: s.T }); // [T, N, D]
  });
  const pooled = g.op1('ReduceMean', [X, g.int64s('axes', [0])], { keepdims: 0 }); // [N, D]
  g.output(head(ctx, pooled), OUTPUT_SCORES, 'float', ['N']);
  return finish(ctx, 'whole', variant, options);
}

/** What the group pass reads from the user pass, in the user graph's internal layout. */
interface UserStateTensors {
  /** per layer [Tu, R, Tg*d] */
  slices: string[];
  /** per layer [R, Tg, D] (compensation variants) */
  comps: string[];
  /** [R, D] */
  userSum: string;
}

/** The user pass on user features [R, Fu]. */
function userPass(ctx: BlockContext, user: string, compensated: boolean): UserStateTensors {
  const { g, s, weights } = ctx;
  const state: UserStateTensors = { slices: [], comps: [], userSum: '' };
  let Xu = tokenize(ctx, user, 'user'); // [Tu, R, D]
  weights.layers.forEach((p, n) => {
    // What the group heads read from the user rows at this layer's input.
    state.slices.push(g.op1('Slice', [Xu, g.int64s('starts', [s.Tu * s.d]), g.int64s('ends', [s.T * s.d]), g.int64s('axes', [2])])); // [Tu, R, Tg*d]
    const Su = layerNorm(ctx, g.op1('Add', [userMixup(ctx, Xu), Xu]), p.ln1Weight, p.ln1Bias, `layers.${n}.ln1`); // [Tu, R, D]
    if (compensated) state.comps.push(compensation(ctx, Su, p, n)); // [R, Tg, D]
    Xu = ffnAndNorm(ctx, Su, p, n, { first: 0, count: s.Tu }); // [Tu, R, D]
  });
  state.userSum = g.op1('ReduceSum', [Xu, g.int64s('axes', [0])], { keepdims: 0 }); // [R, D]
  return state;
}

/**
 * The group pass on candidates [N, Fg] with one user's state (`perRow` false: slices
 * reshapeable to [Tu, Tg, d], compensation to [Tg, 1, D], user sum broadcastable to [N, D]) or
 * with each row's own user's state (`perRow`: [N, Tu, Tg*d], [N, Tg, D], [N, D]). Returns [N].
 */
function groupPass(ctx: BlockContext, group: string, state: UserStateTensors, perRowState: boolean): string {
  const { g, s, weights } = ctx;
  const { slices, comps, userSum } = state;
  let Xg = tokenize(ctx, group, 'group'); // [Tg, N, D]
  weights.layers.forEach((p, n) => {
    let S = layerNorm(ctx, groupMixupResidual(ctx, Xg, slices[n]!, perRowState), p.ln1Weight, p.ln1Bias, `layers.${n}.ln1`); // [Tg, N, D]
    const comp = comps[n];
    if (comp !== undefined) {
      const c = perRowState
        ? g.op1('Transpose', [comp], { perm: [1, 0, 2] }) // [N, Tg, D] -> [Tg, N, D]
        : g.op1('Reshape', [comp, g.int64s('shape', [s.Tg, 1, s.D])]); // [Tg, 1, D]
      S = g.op1('Add', [S, c]); // [Tg, N, D]
    }
    Xg = ffnAndNorm(ctx, S, p, n, { first: s.Tu, count: s.Tg }); // [Tg, N, D]
  });
  const groupSum = g.op1('ReduceSum', [Xg, g.int64s('axes', [0])], { keepdims: 0 }); // [N, D]
  const pooled = g.op1('Div', [g.op1('Add', [groupSum, userSum]), g.floats('T', [1], [s.T])]); // [N, D]
  return head(ctx, pooled); // [N]
}

/** The user pass of a ugsep variant as its own graph: R users at once. */
export function buildUserGraph(weights: ModelWeights, variant: Variant, graphOptions: GraphOptions = {}): BuiltGraph {
  const options = resolveGraphOptions(graphOptions);
  requireMasked(variant);
  const ctx = context(weights, variant, options, `${variant}_user`);
  const { g, s } = ctx;
  const state = userPass(ctx, g.input(INPUT_USER, 'float', ['R', s.Fu]), VARIANT_TRAITS[variant].compensation);
  weights.layers.forEach((_, n) => {
    g.output(g.op1('Transpose', [state.slices[n]!], { perm: [1, 0, 2] }), userSlicesName(n), 'float', ['R', s.Tu, s.Tg * s.d]); // [R, Tu, Tg*d]
    const comp = state.comps[n];
    if (comp !== undefined) g.output(comp, userCompName(n), 'float', ['R', s.Tg, s.D]); // [R, Tg, D]
  });
  g.output(state.userSum, USER_SUM, 'float', ['R', s.D]); // [R, D]
  return finish(ctx, 'user', variant, options);
}

/**
 * The group pass of a ugsep variant as its own graph: N candidates of one user's state, or
 * (`batched`) N candidate rows of R users' states [R, ...], row n using state row_user[n].
 */
export function buildGroupGraph(weights: ModelWeights, variant: Variant, graphOptions: GraphOptions = {}, form: GraphForm = 'one-user'): BuiltGraph {
  const options = resolveGraphOptions(graphOptions);
  requireMasked(variant);
  const ctx = context(weights, variant, options, `${variant}_group`);
  const { g, s } = ctx;
  const R: Dim = form === 'batched' ? 'R' : 1;
  const group = g.input(INPUT_GROUP, 'float', ['N', s.Fg]);
  const state: UserStateTensors = {
    slices: weights.layers.map((_, n) => g.input(userSlicesName(n), 'float', [R, s.Tu, s.Tg * s.d])),
    comps: VARIANT_TRAITS[variant].compensation ? weights.layers.map((_, n) => g.input(userCompName(n), 'float', [R, s.Tg, s.D])) : [],
    userSum: g.input(USER_SUM, 'float', [R, s.D]),
  };
  if (form === 'batched') {
    const rowUser = g.input(INPUT_ROW_USER, 'int64', ['N']);
    const gather = (t: string): string => perRow(ctx, t, rowUser);
    state.slices = state.slices.map(gather); // [N, Tu, Tg*d]
    state.comps = state.comps.map(gather); // [N, Tg, D]
    state.userSum = gather(state.userSum); // [N, D]
  }
  g.output(groupPass(ctx, group, state, form === 'batched'), OUTPUT_SCORES, 'float', ['N']);
  return finish(ctx, 'group', variant, options);
}

function requireMasked(variant: Variant): void {
  if (!VARIANT_TRAITS[variant].masked) throw new Error(`variant ${variant} has no user/group split (user rows see candidates)`);
}
