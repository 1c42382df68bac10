/**
 * TF.js against the plain-TypeScript reference: every fp32 variant, every backend present here,
 * several candidate counts, both forms (split and monolithic) and the user state's contents.
 */
import { describe, expect, it } from 'vitest';
import { ReferenceModel } from '../../../models/reference/model.ts';
import { syntheticRequest } from '../../../models/requests.ts';
import { createTfjsRuntime } from '../../../models/runtimes/tfjs.ts';
import { TfjsModel, disposeUserState } from '../../../models/tfjs/model.ts';
import type { Variant } from '../../../models/variants.ts';
import { generateWeights } from '../../../models/weights/generate.ts';
import { CANDIDATE_COUNTS, CONFIGS, PARITY_RELATIVE, backendsPresent, maxRelativeDiff, maxScaledDiff } from './fixtures.ts';

const FP32_VARIANTS: Variant[] = ['baseline', 'ugsep', 'ugsep-nocomp'];
const backends = await backendsPresent();

describe('TF.js parity with the reference', () => {
  it('has the wasm and cpu backends here', () => {
    expect(backends).toContain('tfjs-wasm');
    expect(backends).toContain('tfjs-cpu');
  });

  for (const backend of backends) {
    for (const { name, config } of CONFIGS) {
      it(`${backend} ${name}: scores within ${PARITY_RELATIVE} relative for every fp32 variant and N`, async () => {
        const weights = generateWeights(config, { seed: 11 });
        for (const variant of FP32_VARIANTS) {
          const runtime = await createTfjsRuntime(backend, weights, variant);
          const reference = new ReferenceModel(weights, variant);
          try {
            for (const N of CANDIDATE_COUNTS) {
              const request = syntheticRequest(config, 5, 'u1', `r${N}`, N);
              const expected = reference.score(request.userFeatures, request.groupFeatures);
              const got = await runtime.score(request.userFeatures, request.groupFeatures);
              const diff = maxRelativeDiff(got, expected);
              console.log(`parity ${backend} ${name} ${variant} N=${N}: max relative diff ${diff.toExponential(2)}`);
              expect(got).toHaveLength(N);
              expect(diff).toBeLessThanOrEqual(PARITY_RELATIVE);
            }
          } finally {
            await runtime.dispose();
          }
        }
      });

      it(`${backend} ${name}: monolithic masked form matches the reference, and split equals monolithic`, async () => {
        const weights = generateWeights(config, { seed: 12 });
        for (const variant of ['ugsep', 'ugsep-nocomp'] as const) {
          // The runtime activates the backend; the model is used directly for its monolithic form.
          const runtime = await createTfjsRuntime(backend, weights, variant);
          const model = new TfjsModel(weights, variant);
          const reference = new ReferenceModel(weights, variant);
          try {
            for (const N of CANDIDATE_COUNTS) {
              const request = syntheticRequest(config, 6, 'u2', `m${N}`, N);
              const monolithic = await model.scoreMonolithic(request.userFeatures, request.groupFeatures);
              const state = model.userPass(request.userFeatures);
              const split = await model.groupPass(state, request.groupFeatures);
              disposeUserState(state);
              const referenceMonolithic = reference.scoreMonolithic(request.userFeatures, request.groupFeatures);
              const splitVsMono = maxRelativeDiff(split, monolithic);
              const monoVsRef = maxRelativeDiff(monolithic, referenceMonolithic);
              console.log(`split vs monolithic ${backend} ${name} ${variant} N=${N}: ${splitVsMono.toExponential(2)}; monolithic vs reference ${monoVsRef.toExponential(2)}`);
              // Float32 with different operation shapes (1 user row vs N): equal to rounding, not bit for bit.
              expect(splitVsMono).toBeLessThanOrEqual(1e-5);
              expect(monoVsRef).toBeLessThanOrEqual(PARITY_RELATIVE);
            }
          } finally {
            model.dispose();
            await runtime.dispose();
          }
        }
      });

      it(`${backend} ${name}: the user state holds the reference UserState's contents`, async () => {
        const weights = generateWeights(config, { seed: 13 });
        const runtime = await createTfjsRuntime(backend, weights, 'ugsep');
        const model = new TfjsModel(weights, 'ugsep');
        try {
          const request = syntheticRequest(config, 7, 'u3', 'r', 1);
          const expected = new ReferenceModel(weights, 'ugsep').userPass(request.userFeatures);
          const state = model.userPass(request.userFeatures);
          expect(state.layers).toHaveLength(config.L);
          state.layers.forEach((layer, n) => {
            const want = expected.layers[n]!;
            const slices = maxScaledDiff(layer.userSlices.dataSync(), want.userSlices);
            const comp = maxScaledDiff(layer.compensation!.dataSync(), want.compensation!);
            console.log(`user state ${backend} ${name} layer ${n}: userSlices ${slices.toExponential(2)}, compensation ${comp.toExponential(2)}`);
            expect(layer.userSlices.shape).toEqual([config.Tu, want.userSlices.length / config.Tu]);
            expect(slices).toBeLessThanOrEqual(PARITY_RELATIVE);
            expect(comp).toBeLessThanOrEqual(PARITY_RELATIVE);
          });
          expect(maxScaledDiff(state.userSum.dataSync(), expected.userSum)).toBeLessThanOrEqual(PARITY_RELATIVE);
          disposeUserState(state);
        } finally {
          model.dispose();
          await runtime.dispose();
        }
      });
    }
  }
});
