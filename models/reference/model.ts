/**
 * The plain-TypeScript reference of the model family (docs/model.md), the yardstick
 * every runtime is judged against. Two forms:
 * - monolithic: the full (masked, for ugsep) model on [N, T, D], one sample at a time;
 * - split (ugsep variants): userPass once per request -> UserState, groupPass on [N, Tg, D].
 * Both are built from the same row primitives in the same order, so they agree bit for bit.
 *
 * ugsep-w8a16: FFN and compensation weights are int8 per output channel (dequantized to float32
 * here), and every input of those matmuls is rounded to fp16 first; accumulation is float64,
 * stored float32 (at least as exact as fp32 accumulation).
 */
import { derive, type DerivedShape } from '../config.ts';
import { VARIANT_TRAITS, type Variant, type VariantTraits } from '../variants.ts';
import { hasCompensation, type ModelWeights } from '../weights/layout.ts';
import { dequantizeStack, quantizeStack } from '../weights/quantize.ts';
import { gelu, layerNormInPlace, newFlopCounter, roundRowToFp16, sigmoid, vecMat, type FlopCounter } from './ops.ts';
import { InputError } from '../../harness/errors.ts';
import { candidateCountOf } from '../requests.ts';

/** What the group pass needs from one user: a few KB (see docs/model.md "Split execution"). */
export interface UserState {
  layers: Array<{
    /** X[t<Tu, h*d:(h+1)*d] for h >= Tu, i.e. the tail of each user row at layer input: [Tu, Tg*d] */
    userSlices: Float32Array;
    /** z @ Wc[j] + bc[j] for every group position j: [Tg, D]; undefined without compensation */
    compensation: Float32Array | undefined;
  }>;
  /** sum over t < Tu of the final user rows, float64 so pooling order matches the monolith: [D] */
  userSum: Float64Array;
}

/** Observer of the monolithic forward: X after tokenization (layer -1) and after every layer. */
export type LayerTrace = (layer: number, sample: number, X: Float32Array /* [T, D] */) => void;

interface EffectiveLayer {
  ln1Weight: Float32Array;
  ln1Bias: Float32Array;
  w1: Float32Array; // [T, D, H] (dequantized for w8a16)
  b1: Float32Array; // [T, H]
  w2: Float32Array; // [T, H, D]
  b2: Float32Array; // [T, D]
  ln2Weight: Float32Array;
  ln2Bias: Float32Array;
  compWeight: Float32Array | undefined; // [Tg, D, D]
  compBias: Float32Array | undefined; // [Tg, D]
}

export class ReferenceModel {
  readonly shape: DerivedShape;
  readonly variant: Variant;
  readonly traits: VariantTraits;
  /** matmul FLOPs performed so far, by category (for checking the cost model) */
  readonly flops: FlopCounter = newFlopCounter();
  private readonly weights: ModelWeights;
  private readonly layers: EffectiveLayer[];
  // Scratch buffers, sized once.
  private readonly acc: Float64Array;
  private readonly hidden: Float32Array;
  private readonly ffnOut: Float32Array;
  private readonly rowIn: Float32Array;

  constructor(weights: ModelWeights, variant: Variant) {
    this.shape = derive(weights.config);
    this.variant = variant;
    this.traits = VARIANT_TRAITS[variant];
    this.weights = weights;
    if (this.traits.compensation && !hasCompensation(weights)) {
      throw new InputError('weights', [
        `layers.0.comp.weight: variant ${variant} needs the compensation tensors layers.{n}.comp.*, and these weights have none (written for baseline?)`,
      ]);
    }
    const { T, Tg, D, H } = this.shape;
    this.layers = weights.layers.map((layer) => {
      const compensation = this.traits.compensation;
      if (!this.traits.int8Weights) {
        return { ...layer, compWeight: compensation ? layer.compWeight : undefined, compBias: compensation ? layer.compBias : undefined };
      }
      return {
        ...layer,
        w1: dequantizeStack(quantizeStack(layer.w1, T, D, H), D, H),
        w2: dequantizeStack(quantizeStack(layer.w2, T, H, D), H, D),
        compWeight: dequantizeStack(quantizeStack(layer.compWeight!, Tg, D, D), D, D),
        compBias: layer.compBias,
      };
    });
    const widest = Math.max(H, D, this.shape.cu, this.shape.cg);
    this.acc = new Float64Array(widest);
    this.hidden = new Float32Array(H);
    this.ffnOut = new Float32Array(D);
    this.rowIn = new Float32Array(widest);
  }

  /** Scores for one request: split for ugsep variants (the paper's execution), monolithic for baseline. */
  score(user: Float32Array /* [Fu] */, group: Float32Array /* [N, Fg] */): Float32Array /* [N] */ {
    if (!this.traits.masked) return this.scoreMonolithic(user, group);
    return this.groupPass(this.userPass(user), group);
  }

  // ---------------------------------------------------------------- monolithic

  /** The full model on every (user, candidate) pair: [N, T, D] worth of work. */
  scoreMonolithic(user: Float32Array /* [Fu] */, group: Float32Array /* [N, Fg] */, trace?: LayerTrace): Float32Array {
    const { T, Tu, D, Fg } = this.shape;
    const N = this.candidateCount(group);
    const scores = new Float32Array(N);
    const X = new Float32Array(T * D); // [T, D]
    const S = new Float32Array(T * D); // [T, D]
    for (let n = 0; n < N; n++) {
      this.tokenizeUser(user, X, 0); // X[0:Tu] [Tu, D]
      this.tokenizeGroup(group, n * Fg, X, Tu * D); // X[Tu:T] [Tg, D]
      trace?.(-1, n, X);
      for (let layer = 0; layer < this.layers.length; layer++) {
        const p = this.layers[layer]!;
        mixup(X, this.shape, this.traits.masked, S); // S = mixup(X), user heads masked for ugsep: [T, D]
        for (let i = 0; i < T * D; i++) S[i] = S[i]! + X[i]!; // residual: [T, D]
        for (let h = 0; h < T; h++) layerNormInPlace(S, h * D, D, p.ln1Weight, p.ln1Bias);
        if (p.compWeight && p.compBias) {
          const comp = this.compensationVectors(S, p); // [Tg, D]
          for (let i = 0; i < comp.length; i++) S[Tu * D + i] = S[Tu * D + i]! + comp[i]!;
        }
        for (let t = 0; t < T; t++) this.ffnAndNorm(S, t * D, t, p, X, t * D); // X[t] = LN2(S[t] + FFN_t(S[t]))
        trace?.(layer, n, X);
      }
      const pooled = new Float64Array(D); // sum over t of X[t]: [D]
      for (let t = 0; t < T; t++) addRow(pooled, X, t * D);
      scores[n] = this.head(pooled);
    }
    return scores;
  }

  // ---------------------------------------------------------------- split

  /** Once per request (or per cache miss): user rows of every layer, and what groups need. */
  userPass(user: Float32Array /* [Fu] */): UserState {
    this.requireMasked('userPass');
    const { T, Tu, Tg, D, d } = this.shape;
    const X = new Float32Array(Tu * D); // user rows [Tu, D]
    const S = new Float32Array(Tu * D); // [Tu, D]
    this.tokenizeUser(user, X, 0);
    const layers: UserState['layers'] = [];
    for (const p of this.layers) {
      const userSlices = new Float32Array(Tu * Tg * d); // [Tu, Tg*d]
      for (let t = 0; t < Tu; t++) userSlices.set(X.subarray(t * D + Tu * d, t * D + T * d), t * Tg * d);
      // Masked mixup for user heads h < Tu reads only user tokens t < Tu; group columns are 0.
      S.fill(0);
      for (let h = 0; h < Tu; h++) {
        for (let t = 0; t < Tu; t++) {
          for (let c = 0; c < d; c++) S[h * D + t * d + c] = X[t * D + h * d + c]!;
        }
      }
      for (let i = 0; i < Tu * D; i++) S[i] = S[i]! + X[i]!; // [Tu, D]
      for (let h = 0; h < Tu; h++) layerNormInPlace(S, h * D, D, p.ln1Weight, p.ln1Bias);
      const compensation = p.compWeight && p.compBias ? this.compensationVectors(S, p) : undefined; // [Tg, D]
      for (let t = 0; t < Tu; t++) this.ffnAndNorm(S, t * D, t, p, X, t * D);
      layers.push({ userSlices, compensation });
    }
    const userSum = new Float64Array(D); // [D]
    for (let t = 0; t < Tu; t++) addRow(userSum, X, t * D);
    return { layers, userSum };
  }

  /** Per candidate: group rows of every layer, from the shared user state. */
  groupPass(state: UserState, group: Float32Array /* [N, Fg] */): Float32Array /* [N] */ {
    this.requireMasked('groupPass');
    const { T, Tu, Tg, D, d, Fg } = this.shape;
    const N = this.candidateCount(group);
    const scores = new Float32Array(N);
    const X = new Float32Array(Tg * D); // group rows [Tg, D]
    const S = new Float32Array(Tg * D); // [Tg, D]
    for (let n = 0; n < N; n++) {
      this.tokenizeGroup(group, n * Fg, X, 0);
      for (let layer = 0; layer < this.layers.length; layer++) {
        const p = this.layers[layer]!;
        const { userSlices, compensation } = state.layers[layer]!;
        for (let j = 0; j < Tg; j++) {
          const h = Tu + j; // group head
          for (let t = 0; t < T; t++) {
            for (let c = 0; c < d; c++) {
              // M[h, t*d+c] = X[t, h*d+c]: user tokens from the state, group tokens from X.
              const m = t < Tu ? userSlices[t * Tg * d + j * d + c]! : X[(t - Tu) * D + h * d + c]!;
              S[j * D + t * d + c] = m + X[j * D + t * d + c]!;
            }
          }
        }
        for (let j = 0; j < Tg; j++) layerNormInPlace(S, j * D, D, p.ln1Weight, p.ln1Bias);
        if (compensation) for (let i = 0; i < Tg * D; i++) S[i] = S[i]! + compensation[i]!;
        for (let j = 0; j < Tg; j++) this.ffnAndNorm(S, j * D, Tu + j, p, X, j * D);
      }
      const pooled = Float64Array.from(state.userSum); // [D]
      for (let j = 0; j < Tg; j++) addRow(pooled, X, j * D);
      scores[n] = this.head(pooled);
    }
    return scores;
  }

  // ---------------------------------------------------------------- pieces

  private tokenizeUser(user: Float32Array, out: Float32Array, outOffset: number): void {
    const { Tu, D, cu, Fu } = this.shape;
    if (user.length !== Fu) throw new InputError('request', [`user_features: expected ${Fu} values, got ${user.length}`]);
    const w = this.weights;
    for (let i = 0; i < Tu; i++) {
      vecMat(user, i * cu, cu, w.tokUserWeight, i * cu * D, D, w.tokUserBias, i * D, out, outOffset + i * D, this.acc);
    }
    this.flops.tokenizer += 2 * cu * D * Tu;
  }

  private tokenizeGroup(group: Float32Array, offset: number, out: Float32Array, outOffset: number): void {
    const { Tg, D, cg } = this.shape;
    const w = this.weights;
    for (let j = 0; j < Tg; j++) {
      vecMat(group, offset + j * cg, cg, w.tokGroupWeight, j * cg * D, D, w.tokGroupBias, j * D, out, outOffset + j * D, this.acc);
    }
    this.flops.tokenizer += 2 * cg * D * Tg;
  }

  /** z = mean of the user rows of S; c_j = z @ Wc[j] + bc[j] for each group position: [Tg, D]. */
  private compensationVectors(S: Float32Array, p: EffectiveLayer): Float32Array {
    const { Tu, Tg, D } = this.shape;
    const zSum = new Float64Array(D);
    for (let h = 0; h < Tu; h++) addRow(zSum, S, h * D);
    const z = new Float32Array(D); // [D]
    for (let i = 0; i < D; i++) z[i] = zSum[i]! / Tu;
    const input = this.matmulInput(z, 0, D);
    const out = new Float32Array(Tg * D); // [Tg, D]
    for (let j = 0; j < Tg; j++) vecMat(input, 0, D, p.compWeight!, j * D * D, D, p.compBias, j * D, out, j * D, this.acc);
    this.flops.compensation += 2 * D * D * Tg;
    return out;
  }

  /** out[outOffset] = LN2(S[t] + GELU(S[t] @ W1[t] + b1[t]) @ W2[t] + b2[t]) for token position t. */
  private ffnAndNorm(S: Float32Array, sOffset: number, t: number, p: EffectiveLayer, out: Float32Array, outOffset: number): void {
    const { D, H } = this.shape;
    const x = this.matmulInput(S.subarray(sOffset, sOffset + D), 0, D); // [D]
    vecMat(x, 0, D, p.w1, t * D * H, H, p.b1, t * H, this.hidden, 0, this.acc); // [H]
    for (let i = 0; i < H; i++) this.hidden[i] = gelu(this.hidden[i]!);
    const h = this.matmulInput(this.hidden, 0, H); // [H]
    vecMat(h, 0, H, p.w2, t * H * D, D, p.b2, t * D, this.ffnOut, 0, this.acc); // [D]
    for (let i = 0; i < D; i++) out[outOffset + i] = S[sOffset + i]! + this.ffnOut[i]!;
    layerNormInPlace(out, outOffset, D, p.ln2Weight, p.ln2Bias);
    this.flops.ffn += 4 * D * H;
  }

  /** The activation a quantized matmul sees: fp16-rounded for W8A16, as is otherwise. */
  private matmulInput(x: Float32Array, offset: number, n: number): Float32Array {
    if (!this.traits.int8Weights) return offset === 0 && x.length === n ? x : x.subarray(offset, offset + n);
    roundRowToFp16(x, offset, n, this.rowIn);
    return this.rowIn;
  }

  private head(pooledSum: Float64Array): number {
    const { T, D } = this.shape;
    let logit = this.weights.headBias[0]!;
    for (let i = 0; i < D; i++) logit += (pooledSum[i]! / T) * this.weights.headWeight[i]!;
    this.flops.head += 2 * D;
    return sigmoid(logit);
  }

  private candidateCount(group: Float32Array): number {
    return candidateCountOf(group, this.shape.Fg);
  }

  private requireMasked(what: string): void {
    if (!this.traits.masked) throw new Error(`${what}: variant ${this.variant} has no user/group split (user rows see candidates)`);
  }
}

/**
 * Mixup with T heads: M[h, t*d:(t+1)*d] = X[t, h*d:(h+1)*d]. With `masked`, user heads h < Tu do
 * not read group tokens t >= Tu (those columns are 0). Without the mask it is a transpose of the
 * [T, T] grid of d-wide blocks, so applying it twice gives X back.
 */
export function mixup(X: Float32Array /* [T, D] */, shape: Pick<DerivedShape, 'T' | 'Tu' | 'D' | 'd'>, masked: boolean, out: Float32Array /* [T, D] */): void {
  const { T, Tu, D, d } = shape;
  for (let h = 0; h < T; h++) {
    for (let t = 0; t < T; t++) {
      const blocked = masked && h < Tu && t >= Tu;
      for (let c = 0; c < d; c++) out[h * D + t * d + c] = blocked ? 0 : X[t * D + h * d + c]!;
    }
  }
}

function addRow(sum: Float64Array, x: Float32Array, offset: number): void {
  for (let i = 0; i < sum.length; i++) sum[i]! += x[offset + i]!;
}
