/** No tensor outlives its owner: scoring leaves tf.memory() unchanged; dispose frees everything. */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { syntheticRequest } from '../../../models/requests.ts';
import { createTfjsRuntime } from '../../../models/runtimes/tfjs.ts';
import { VARIANTS } from '../../../models/variants.ts';
import { generateWeights } from '../../../models/weights/generate.ts';
import { CONFIGS } from './fixtures.ts';

describe('TF.js tensor lifetime', () => {
  for (const backend of ['tfjs-wasm', 'tfjs-cpu'] as const) {
    it(`${backend}: score, userPass and groupPass leak no tensors; dispose releases the weights`, async () => {
      const { config } = CONFIGS[0]!;
      const weights = generateWeights(config, { seed: 31 });
      for (const variant of VARIANTS) {
        const runtime = await createTfjsRuntime(backend, weights, variant);
        const afterLoad = tf.memory().numTensors;
        const request = syntheticRequest(config, 9, 'u', 'r', 5);
        await runtime.score(request.userFeatures, request.groupFeatures);
        expect(tf.memory().numTensors).toBe(afterLoad);
        if (runtime.userPass && runtime.groupPass) {
          const state = await runtime.userPass(request.userFeatures);
          const withState = tf.memory().numTensors;
          expect(withState).toBeGreaterThan(afterLoad); // the state lives on the backend...
          expect(state.bytes).toBeGreaterThan(0);
          await runtime.groupPass(state, request.groupFeatures);
          await runtime.groupPass(state, request.groupFeatures); // ...reusable across group passes
          expect(tf.memory().numTensors).toBe(withState);
          state.dispose?.();
          expect(tf.memory().numTensors).toBe(afterLoad);
        }
        await runtime.dispose();
        console.log(`memory ${backend} ${variant}: ${afterLoad} tensors while loaded, ${tf.memory().numTensors} after dispose`);
        expect(tf.memory().numTensors).toBe(0);
      }
    });
  }

  it('a failed request (wrong feature length) leaks nothing', async () => {
    const { config } = CONFIGS[0]!;
    const runtime = await createTfjsRuntime('tfjs-wasm', generateWeights(config, { seed: 32 }), 'ugsep');
    const loaded = tf.memory().numTensors;
    await expect(runtime.score(new Float32Array(config.Fu + 1), new Float32Array(config.Fg))).rejects.toThrow(/user_features: expected 16 values, got 17/);
    await expect(runtime.score(new Float32Array(config.Fu), new Float32Array(config.Fg + 1))).rejects.toThrow(/group_features: expected N >= 1 rows of 12 values/);
    expect(tf.memory().numTensors).toBe(loaded);
    await runtime.dispose();
  });
});
