/**
 * ORT fp32 parity with the reference at 1e-6, with a negative control that must exceed it:
 * - scores from the runtime (split for ugsep variants): max relative difference <= 1e-6;
 * - final token states X [T, N, D] of the whole graph, max |dX| / max |X| <= 1e-6, and the same
 *   graph with every LayerNorm epsilon edited to 1e-6 (instead of the contract's 1e-5) must
 *   exceed 1e-6. Scores alone cannot see that edit (it moves them ~5e-7), hence the states.
 * On MID (d = 4, 3 layers) and on `small`, the benched model.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../../models/config.ts';
import { presetConfig } from '../../../models/presets.ts';
import { syntheticRequest } from '../../../models/requests.ts';
import { createOrtRuntime } from '../../../models/runtimes/ort.ts';
import { createReferenceRuntime } from '../../../models/runtimes/reference.ts';
import { generateWeights } from '../../../models/weights/generate.ts';
import { maxRelDiff } from '../onnx/ort-fixtures.ts';
import { maxScaledDiff } from '../tfjs/fixtures.ts';
import { MID } from '../reference/fixtures.ts';
import { referenceStates, runStates, wholeGraphExposingStates } from './ort-states.ts';

const BOUND = 1e-6;
const CASES: Array<{ name: string; config: ModelConfig; candidates: number }> = [
  { name: 'MID', config: MID, candidates: 10 },
  { name: 'small', config: presetConfig('small'), candidates: 2 },
];
const lines: string[] = [];
afterAll(() => console.log(`ORT fp32 parity, bound ${BOUND}:\n  ${lines.join('\n  ')}`));

describe.each(CASES)('ort-cpu fp32 parity on $name', ({ name, config, candidates }) => {
  const weights = generateWeights(config, { seed: 9 });
  const request = syntheticRequest(config, 10, 'user', 'request', candidates);

  it.each(['baseline', 'ugsep', 'ugsep-nocomp'] as const)('%s: scores and final states within 1e-6; LayerNorm eps 1e-6 exceeds it', async (variant) => {
    const runtime = await createOrtRuntime(weights, variant, {});
    let scoreDiff: number;
    try {
      const got = await runtime.score(request.userFeatures, request.groupFeatures);
      scoreDiff = maxRelDiff(got, await createReferenceRuntime(weights, variant).score(request.userFeatures, request.groupFeatures));
    } finally {
      await runtime.dispose();
    }
    const expected = referenceStates(weights, variant, request.userFeatures, request.groupFeatures);
    const asBuilt = wholeGraphExposingStates(weights, variant);
    const observed = maxScaledDiff(await runStates(asBuilt.model, asBuilt.statesName, config, request.userFeatures, request.groupFeatures), expected);
    const mutated = wholeGraphExposingStates(weights, variant, 1e-6);
    const control = maxScaledDiff(await runStates(mutated.model, mutated.statesName, config, request.userFeatures, request.groupFeatures), expected);
    lines.push(`${name} ${variant}: scores ${scoreDiff.toExponential(2)}; states ${observed.toExponential(2)}; LN eps 1e-6 control ${control.toExponential(2)} (${mutated.epsilonsChanged} nodes)`);
    expect(mutated.epsilonsChanged).toBeGreaterThanOrEqual(2 * config.L); // LN1 and LN2 of every layer (LN2 may be per token)
    expect(scoreDiff).toBeLessThanOrEqual(BOUND);
    expect(observed).toBeLessThanOrEqual(BOUND);
    expect(control).toBeGreaterThan(BOUND);
  });
});
