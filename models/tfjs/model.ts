/**
 * The model family (docs/model.md) in TF.js, on whichever backend is active.
 * Same math and same forms as models/reference/model.ts:
 * - monolithic: the full (masked, for ugsep) model on [N, T, D];
 * - split (ugsep variants): userPass once per request -> TfjsUserState (tf tensors, kept on the
 *   backend), groupPass on [N, Tg, D].
 * Every forward is synchronous graph building inside tf.tidy, so intermediates are freed at
 * once; only the returned scores (read back, then disposed) and user states outlive a call.
 */
import * as tf from '@tensorflow/tfjs-core';
import { derive, type DerivedShape } from '../config.ts';
import { VARIANT_TRAITS, type Variant, type VariantTraits } from '../variants.ts';
import { hasCompensation, type ModelWeights } from '../weights/layout.ts';
import { InputError } from '../../harness/errors.ts';
import { candidateCountOf } from '../requests.ts';
import { int8RoundTripWeights } from './int8-storage.ts';
import { gelu, layerNorm, linear, unstackTokens } from './ops.ts';
import { disposeWeights, uploadWeights, type TfjsLayerWeights, type TfjsWeights } from './weights.ts';

/** The reference UserState's contents, as tensors on the backend. */
export interface TfjsUserState {
  layers: Array<{
    /** X[t<Tu, h*d:(h+1)*d] for h >= Tu at layer input: [Tu, Tg*d] */
    userSlices: tf.Tensor2D;
    /** z @ Wc[j] + bc[j] for every group position j: [Tg, D]; undefined without compensation */
    compensation: tf.Tensor2D | undefined;
  }>;
  /** sum over t < Tu of the final user rows: [D] */
  userSum: tf.Tensor1D;
}

export function userStateTensors(state: TfjsUserState): tf.Tensor[] {
  return [...state.layers.flatMap((l) => (l.compensation ? [l.userSlices, l.compensation] : [l.userSlices])), state.userSum];
}

export function disposeUserState(state: TfjsUserState): void {
  tf.dispose(userStateTensors(state));
}

export class TfjsModel {
  readonly shape: DerivedShape;
  readonly variant: Variant;
  readonly traits: VariantTraits;
  private readonly w: TfjsWeights;
  private disposed = false;

  constructor(weights: ModelWeights, variant: Variant) {
    this.shape = derive(weights.config);
    this.variant = variant;
    this.traits = VARIANT_TRAITS[variant];
    if (this.traits.compensation && !hasCompensation(weights)) {
      throw new InputError('weights', [
        `layers.0.comp.weight: variant ${variant} needs the compensation tensors layers.{n}.comp.*, and these weights have none (written for baseline?)`,
      ]);
    }
    const effective = this.traits.int8Weights ? int8RoundTripWeights(weights) : weights;
    this.w = uploadWeights(effective, this.traits.compensation);
  }

  /** Scores for one request: split for ugsep variants, monolithic for baseline. */
  async score(user: Float32Array /* [Fu] */, group: Float32Array /* [N, Fg] */): Promise<Float32Array> {
    if (!this.traits.masked) return this.scoreMonolithic(user, group);
    const state = this.userPass(user);
    try {
      return await this.groupPass(state, group);
    } finally {
      disposeUserState(state);
    }
  }

  // ---------------------------------------------------------------- monolithic

  /** The full model on every (user, candidate) pair: [N, T, D] worth of work. */
  async scoreMonolithic(user: Float32Array /* [Fu] */, group: Float32Array /* [N, Fg] */): Promise<Float32Array> {
    this.requireLive();
    const { T, Tu, D, d } = this.shape;
    const N = this.candidateCount(group);
    const scores = tf.tidy(() => {
      // Every sample carries its own copy of the user rows, as in the monolithic model.
      const userRows = tf.tile(tf.expandDims<tf.Tensor3D>(this.tokenizeUser(user), 0), [N, 1, 1]); // [N, Tu, D]
      let X: tf.Tensor3D = tf.concat([userRows, this.tokenizeGroup(group, N)], 1); // [N, T, D]
      for (const p of this.w.layers) {
        // Mixup, T heads: M[h, t*d:(t+1)*d] = X[t, h*d:(h+1)*d], a transpose of the [T, T] grid of d-blocks.
        const grid = tf.reshape(X, [N, T, T, d]); // [N, t, h, d]
        let M = tf.reshape<tf.Rank.R3>(tf.transpose(grid, [0, 2, 1, 3]), [N, T, D]); // [N, h, T*d]
        if (this.traits.masked) M = tf.mul(M, this.w.mixupMask); // user heads see no group tokens: [N, T, D]
        const S = layerNorm(tf.add<tf.Tensor3D>(M, X), p.ln1Weight, p.ln1Bias); // [N, T, D]
        const rows = unstackTokens(S); // T x [N, D]
        if (p.compWeight && p.compBias) {
          const z = tf.mean<tf.Tensor2D>(tf.slice(S, [0, 0, 0], [N, Tu, D]), 1); // [N, D]
          for (let j = 0; j < this.shape.Tg; j++) rows[Tu + j] = tf.add(rows[Tu + j]!, linear(z, p.compWeight[j]!, p.compBias[j]!)); // [N, D]
        }
        X = layerNorm(tf.stack(this.ffnResidual(rows, 0, p), 1) as tf.Tensor3D, p.ln2Weight, p.ln2Bias); // [N, T, D]
      }
      return this.head(tf.sum(X, 1)); // [N]
    });
    return readAndDispose(scores);
  }

  // ---------------------------------------------------------------- split

  /** Once per request (or per cache miss): user rows of every layer, and what groups need. */
  userPass(user: Float32Array /* [Fu] */): TfjsUserState {
    this.requireLive();
    this.requireMasked('userPass');
    const { Tu, Tg, d } = this.shape;
    return tf.tidy(() => {
      let X = this.tokenizeUser(user); // user rows [Tu, D]
      const layers: TfjsUserState['layers'] = [];
      for (const p of this.w.layers) {
        const userSlices = tf.slice(X, [0, Tu * d], [Tu, Tg * d]); // [Tu, Tg*d]
        // Masked mixup for user heads h < Tu reads only user tokens t < Tu; group columns are 0.
        const grid = tf.reshape(tf.slice(X, [0, 0], [Tu, Tu * d]), [Tu, Tu, d]); // [t, h, d]
        const userHeads = tf.reshape(tf.transpose(grid, [1, 0, 2]), [Tu, Tu * d]); // [h, Tu*d]
        const M = tf.pad(userHeads, [[0, 0], [0, Tg * d]]); // [Tu, D]
        const S = layerNorm(tf.add(M, X), p.ln1Weight, p.ln1Bias); // [Tu, D]
        let compensation: tf.Tensor2D | undefined;
        if (p.compWeight && p.compBias) {
          const z = tf.mean<tf.Tensor2D>(S, 0, true); // [1, D]
          compensation = tf.concat(p.compWeight.map((wc, j) => linear(z, wc, p.compBias![j]!)), 0); // [Tg, D]
        }
        X = layerNorm(tf.concat(this.ffnResidual(tf.split(S, Tu, 0), 0, p), 0), p.ln2Weight, p.ln2Bias); // [Tu, D]
        layers.push({ userSlices, compensation });
      }
      return { layers, userSum: tf.sum<tf.Tensor1D>(X, 0) }; // userSum: [D]
    });
  }

  /** Per candidate: group rows of every layer, from the shared user state. */
  async groupPass(state: TfjsUserState, group: Float32Array /* [N, Fg] */): Promise<Float32Array> {
    this.requireLive();
    this.requireMasked('groupPass');
    const { Tu, Tg, d } = this.shape;
    const N = this.candidateCount(group);
    if (state.layers.length !== this.w.layers.length) throw new Error(`groupPass: user state has ${state.layers.length} layers, model has ${this.w.layers.length}`);
    const scores = tf.tidy(() => {
      let X = this.tokenizeGroup(group, N); // group rows [N, Tg, D]
      this.w.layers.forEach((p, layer) => {
        const { userSlices, compensation } = state.layers[layer]!;
        // Group heads h = Tu + j: M[h, t*d+c] = X[t, h*d+c]; user tokens t < Tu come from the state...
        const fromUser = tf.reshape(tf.transpose(tf.reshape(userSlices, [Tu, Tg, d]), [1, 0, 2]), [1, Tg, Tu * d]); // [1, j, Tu*d]
        // ...group tokens t >= Tu from the candidate's own rows.
        const grid = tf.reshape(tf.slice(X, [0, 0, Tu * d], [N, Tg, Tg * d]), [N, Tg, Tg, d]); // [N, t', j, d]
        const fromGroup = tf.reshape(tf.transpose(grid, [0, 2, 1, 3]), [N, Tg, Tg * d]); // [N, j, Tg*d]
        const M = tf.concat([tf.tile(fromUser, [N, 1, 1]), fromGroup], 2); // [N, Tg, D]
        let S = layerNorm(tf.add<tf.Tensor3D>(M, X), p.ln1Weight, p.ln1Bias); // [N, Tg, D]
        if (compensation) S = tf.add<tf.Tensor3D>(S, compensation); // broadcast over N: [N, Tg, D]
        const rows = unstackTokens(S); // Tg x [N, D]
        X = layerNorm(tf.stack(this.ffnResidual(rows, Tu, p), 1) as tf.Tensor3D, p.ln2Weight, p.ln2Bias); // [N, Tg, D]
      });
      return this.head(tf.add(tf.sum(X, 1), state.userSum)); // [N]
    });
    return readAndDispose(scores);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeWeights(this.w);
  }

  // ---------------------------------------------------------------- pieces

  /** Chunk i of the user features through Wtu[i]: [Tu, D]. */
  private tokenizeUser(user: Float32Array): tf.Tensor2D {
    const { Tu, cu, Fu } = this.shape;
    if (user.length !== Fu) throw new InputError('request', [`user_features: expected ${Fu} values, got ${user.length}`]);
    const chunks = tf.split<tf.Tensor2D>(tf.tensor2d(user, [Tu, cu]), Tu, 0); // Tu x [1, cu]
    return tf.concat(chunks.map((chunk, i) => linear(chunk, this.w.tokUserWeight[i]!, this.w.tokUserBias[i]!)), 0); // [Tu, D]
  }

  /** Chunk j of every candidate's features through Wtg[j]: [N, Tg, D]. */
  private tokenizeGroup(group: Float32Array, N: number): tf.Tensor3D {
    const { Tg, cg } = this.shape;
    const chunks = unstackTokens(tf.tensor3d(group, [N, Tg, cg])); // Tg x [N, cg]
    return tf.stack(chunks.map((chunk, j) => linear(chunk, this.w.tokGroupWeight[j]!, this.w.tokGroupBias[j]!)), 1) as tf.Tensor3D; // [N, Tg, D]
  }

  /**
   * S[t] + GELU(S[t] @ W1[t] + b1[t]) @ W2[t] + b2[t] for rows at token positions firstToken + i
   * (LN2 is applied by the caller on the stacked rows).
   */
  private ffnResidual(rows: tf.Tensor2D[] /* each [M, D] */, firstToken: number, p: TfjsLayerWeights): tf.Tensor2D[] /* each [M, D] */ {
    return rows.map((s, i) => {
      const t = firstToken + i;
      const hidden = gelu(linear(s, p.w1[t]!, p.b1[t]!)); // [M, H]
      return tf.add(s, linear(hidden, p.w2[t]!, p.b2[t]!)); // [M, D]
    });
  }

  /** sigmoid(mean over T @ wh + bh), from the sum over all T token rows: [N, D] -> [N]. */
  private head(pooledSum: tf.Tensor2D): tf.Tensor1D {
    const pooled = tf.div<tf.Tensor2D>(pooledSum, this.shape.T); // [N, D]
    return tf.reshape(tf.sigmoid(linear(pooled, this.w.headWeight, this.w.headBias)), [-1]); // [N]
  }

  private candidateCount(group: Float32Array): number {
    return candidateCountOf(group, this.shape.Fg);
  }

  private requireMasked(what: string): void {
    if (!this.traits.masked) throw new Error(`${what}: variant ${this.variant} has no user/group split (user rows see candidates)`);
  }

  private requireLive(): void {
    if (this.disposed) throw new Error(`TfjsModel (${this.variant}) used after dispose`);
  }
}

async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}
