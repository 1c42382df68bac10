import { describe, expect, it } from 'vitest';
import { ReferenceModel, mixup } from '../../../models/reference/model.ts';
import { derive } from '../../../models/config.ts';
import { presetConfig } from '../../../models/presets.ts';
import { MID, UNEVEN, fixture, maxAbsDiff, topK } from './fixtures.ts';
import { Rng } from '../../../harness/rng.ts';
import { InputError } from '../../../harness/errors.ts';
import { generateWeights } from '../../../models/weights/generate.ts';

/** Every layer's X for every sample of a monolithic forward: traces[layer+1][sample] = [T, D]. */
function traceForward(model: ReferenceModel, user: Float32Array, group: Float32Array): Float32Array[][] {
  const traces: Float32Array[][] = [];
  model.scoreMonolithic(user, group, (layer, sample, X) => {
    (traces[layer + 1] ??= [])[sample] = Float32Array.from(X);
  });
  return traces;
}

describe('mixup', () => {
  it('applied twice (no mask) is the identity', () => {
    const shape = derive(MID);
    const X = new Rng(1).fillNormal(new Float32Array(MID.T * MID.D), 1);
    const once = new Float32Array(X.length);
    const twice = new Float32Array(X.length);
    mixup(X, shape, false, once);
    mixup(once, shape, false, twice);
    expect(maxAbsDiff(once, X)).toBeGreaterThan(0); // it does move things
    expect(Array.from(twice)).toEqual(Array.from(X));
  });

  it('with the mask, user heads read no group token', () => {
    const shape = derive(MID);
    const X = new Rng(2).fillNormal(new Float32Array(MID.T * MID.D), 1);
    const out = new Float32Array(X.length);
    mixup(X, shape, true, out);
    const { Tu, D, d, T } = shape;
    for (let h = 0; h < Tu; h++) {
      for (let t = Tu; t < T; t++) for (let c = 0; c < d; c++) expect(out[h * D + t * d + c]).toBe(0);
    }
  });
});

describe('UG mask keeps user rows pure', () => {
  for (const config of [MID, UNEVEN]) {
    it(`perturbing one candidate leaves every layer's user rows bit-identical (T=${config.T}, Tu=${config.Tu})`, () => {
      const { weights, request } = fixture(config, 5);
      const model = new ReferenceModel(weights, 'ugsep');
      const perturbed = Float32Array.from(request.groupFeatures);
      for (let i = 2 * config.Fg; i < 3 * config.Fg; i++) perturbed[i] = perturbed[i]! + 0.5; // candidate 2
      const a = traceForward(model, request.userFeatures, request.groupFeatures);
      const b = traceForward(model, request.userFeatures, perturbed);
      const userLength = config.Tu * config.D;
      for (let layer = 0; layer < a.length; layer++) {
        const reference = a[layer]![0]!.subarray(0, userLength);
        for (let n = 0; n < 5; n++) {
          expect(Array.from(a[layer]![n]!.subarray(0, userLength))).toEqual(Array.from(reference));
          expect(Array.from(b[layer]![n]!.subarray(0, userLength))).toEqual(Array.from(reference));
        }
      }
      // ...while candidate 2's own group rows did change.
      const last = a.length - 1;
      expect(maxAbsDiff(a[last]![2]!.subarray(userLength), b[last]![2]!.subarray(userLength))).toBeGreaterThan(1e-3);
    });
  }

  it('perturbing user features changes group rows (user-to-group flow is alive)', () => {
    const { weights, request } = fixture(MID, 3);
    for (const variant of ['ugsep', 'ugsep-nocomp'] as const) {
      const model = new ReferenceModel(weights, variant);
      const otherUser = Float32Array.from(request.userFeatures, (v, i) => (i === 0 ? v + 0.5 : v));
      const a = traceForward(model, request.userFeatures, request.groupFeatures);
      const b = traceForward(model, otherUser, request.groupFeatures);
      const userLength = MID.Tu * MID.D;
      for (let layer = 1; layer < a.length; layer++) {
        expect(maxAbsDiff(a[layer]![0]!.subarray(userLength), b[layer]![0]!.subarray(userLength))).toBeGreaterThan(1e-4);
      }
    }
  });

  it('baseline user rows do depend on candidates (no mask)', () => {
    const { weights, request } = fixture(MID, 2);
    const traces = traceForward(new ReferenceModel(weights, 'baseline'), request.userFeatures, request.groupFeatures);
    const userLength = MID.Tu * MID.D;
    expect(maxAbsDiff(traces[1]![0]!.subarray(0, userLength), traces[1]![1]!.subarray(0, userLength))).toBeGreaterThan(1e-4);
  });
});

describe('split ugsep equals monolithic ugsep (tolerance: exact, 0)', () => {
  for (const config of [MID, UNEVEN, presetConfig('tiny')]) {
    for (const variant of ['ugsep', 'ugsep-nocomp', 'ugsep-w8a16'] as const) {
      it(`${variant} T=${config.T} Tu=${config.Tu} D=${config.D} at N = 1, 7`, () => {
        for (const N of [1, 7]) {
          const { weights, request } = fixture(config, N);
          const model = new ReferenceModel(weights, variant);
          const mono = model.scoreMonolithic(request.userFeatures, request.groupFeatures);
          const state = model.userPass(request.userFeatures);
          const split = model.groupPass(state, request.groupFeatures);
          console.log(`${variant} N=${N} split vs monolithic max |diff| = ${maxAbsDiff(mono, split)}`);
          expect(Array.from(split)).toEqual(Array.from(mono));
        }
      });
    }
  }

  it('a user state reused for two candidate batches equals recomputing it', () => {
    const { weights, request } = fixture(MID, 6);
    const model = new ReferenceModel(weights, 'ugsep');
    const state = model.userPass(request.userFeatures);
    const first = request.groupFeatures.subarray(0, 2 * MID.Fg);
    const second = request.groupFeatures.subarray(2 * MID.Fg);
    const reused = [...model.groupPass(state, first), ...model.groupPass(state, second)];
    expect(reused).toEqual(Array.from(model.score(request.userFeatures, request.groupFeatures)));
  });
});

describe('variants', () => {
  it('baseline, ugsep and ugsep-nocomp give different scores on the same weights', () => {
    const { weights, request } = fixture(MID, 8);
    const scores = Object.fromEntries(
      (['baseline', 'ugsep', 'ugsep-nocomp'] as const).map((v) => [v, new ReferenceModel(weights, v).score(request.userFeatures, request.groupFeatures)]),
    );
    expect(maxAbsDiff(scores.baseline!, scores.ugsep!)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(scores.baseline!, scores['ugsep-nocomp']!)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(scores.ugsep!, scores['ugsep-nocomp']!)).toBeGreaterThan(1e-4);
    for (const s of Object.values(scores)) for (const v of s) expect(v > 0.02 && v < 0.98).toBe(true); // not saturated
  });

  it('ugsep refuses weights without compensation tensors, naming them', () => {
    const weights = generateWeights(MID, { seed: 1, compensation: false });
    expect(() => new ReferenceModel(weights, 'ugsep')).toThrow(InputError);
    expect(() => new ReferenceModel(weights, 'ugsep')).toThrow(/layers\.0\.comp\.weight/);
    expect(() => new ReferenceModel(weights, 'ugsep-nocomp')).not.toThrow();
  });

  it('rejects a request with the wrong feature lengths, naming the part', () => {
    const { weights, request } = fixture(MID, 2);
    const model = new ReferenceModel(weights, 'baseline');
    expect(() => model.score(new Float32Array(3), request.groupFeatures)).toThrow(/user_features: expected 16 values, got 3/);
    expect(() => model.score(request.userFeatures, new Float32Array(5))).toThrow(/group_features: expected N >= 1 rows of 12 values, got 5 values/);
  });
});

describe('W8A16 reference vs fp32', () => {
  it('on small, 256 candidates: relative score error <= 1e-2 and top-10 overlap >= 0.9', () => {
    const config = presetConfig('small');
    const { weights, request } = fixture(config, 256, 11);
    const fp32 = new ReferenceModel(weights, 'ugsep').score(request.userFeatures, request.groupFeatures);
    const w8 = new ReferenceModel(weights, 'ugsep-w8a16').score(request.userFeatures, request.groupFeatures);
    let maxRelative = 0;
    for (let i = 0; i < fp32.length; i++) maxRelative = Math.max(maxRelative, Math.abs(w8[i]! - fp32[i]!) / Math.abs(fp32[i]!));
    const top = new Set(topK(fp32, 10));
    const overlap = topK(w8, 10).filter((i) => top.has(i)).length / 10;
    console.log(`W8A16 vs fp32 on small, N=256: max relative score error ${maxRelative.toExponential(3)}, top-10 overlap ${overlap}`);
    expect(maxRelative).toBeGreaterThan(0); // quantization really happened
    expect(maxRelative).toBeLessThanOrEqual(1e-2);
    expect(overlap).toBeGreaterThanOrEqual(0.9);
  });
});
