/**
 * Negative control for the TF.js parity bound (fixtures.ts PARITY_RELATIVE): the same model with
 * its LayerNorm epsilon edited to 1e-6 (instead of the contract's 1e-5) must exceed the bound on
 * the user state the group pass reads, while the model as built stays within it. Scores alone
 * cannot see the edit (the sigmoid head squashes it to ~5e-7); the final user rows (userSum) can.
 * The edit swaps layerNorm in models/tfjs/ops.ts for the same formula with another epsilon, only
 * while `edit.epsilon` is set; otherwise the project's own layerNorm runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ReferenceModel } from '../../../models/reference/model.ts';
import { syntheticRequest } from '../../../models/requests.ts';
import { createTfjsRuntime } from '../../../models/runtimes/tfjs.ts';
import { TfjsModel, disposeUserState } from '../../../models/tfjs/model.ts';
import { generateWeights } from '../../../models/weights/generate.ts';
import { CONFIGS, PARITY_RELATIVE, maxScaledDiff } from './fixtures.ts';

const edit = vi.hoisted(() => ({ epsilon: undefined as number | undefined }));
vi.mock('../../../models/tfjs/ops.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../models/tfjs/ops.ts')>();
  return {
    ...original,
    layerNorm: <R extends tf.Rank>(x: tf.Tensor<R>, gain: tf.Tensor1D, shift: tf.Tensor1D): tf.Tensor<R> => {
      if (edit.epsilon === undefined) return original.layerNorm(x, gain, shift);
      const { mean, variance } = tf.moments(x, -1, true);
      return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, edit.epsilon))), gain), shift);
    },
  };
});

const lines: string[] = [];
afterAll(() => console.log(`TF.js parity negative control, bound ${PARITY_RELATIVE}:\n  ${lines.join('\n  ')}`));

describe.each(CONFIGS)('tfjs-wasm $name', ({ name, config }) => {
  it.each(['ugsep'] as const)('%s: userSum within the bound as built, beyond it with LayerNorm eps 1e-6', async (variant) => {
    const weights = generateWeights(config, { seed: 14 });
    const runtime = await createTfjsRuntime('tfjs-wasm', weights, variant); // activates the backend
    const model = new TfjsModel(weights, variant);
    const request = syntheticRequest(config, 8, 'u4', 'r', 1);
    const expected = new ReferenceModel(weights, variant).userPass(request.userFeatures).userSum;
    const userSumDiff = (epsilon: number | undefined): number => {
      edit.epsilon = epsilon;
      try {
        const state = model.userPass(request.userFeatures);
        const diff = maxScaledDiff(state.userSum.dataSync(), expected);
        disposeUserState(state);
        return diff;
      } finally {
        edit.epsilon = undefined;
      }
    };
    try {
      const observed = userSumDiff(undefined);
      const control = userSumDiff(1e-6);
      lines.push(`${name} ${variant}: userSum ${observed.toExponential(2)}; LN eps 1e-6 control ${control.toExponential(2)}`);
      expect(observed).toBeLessThanOrEqual(PARITY_RELATIVE);
      expect(control).toBeGreaterThan(PARITY_RELATIVE);
    } finally {
      model.dispose();
      await runtime.dispose();
    }
  });
});
