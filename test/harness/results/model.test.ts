/** The model as data: cost coefficients reproduce the cost model exactly at any N; one predicted speedup. */
import { describe, expect, it } from 'vitest';
import { costAt, predictedSpeedup } from '../../../harness/results/model.ts';
import { predictedSpeedup as modelsPredictedSpeedup, requestCost } from '../../../models/cost.ts';
import { presetConfig } from '../../../models/presets.ts';
import { modelFacts } from '../../../models/sut/cost-facts.ts';

describe('model facts in the results', () => {
  const config = presetConfig('small');
  const facts = modelFacts(config, 'ugsep', null);

  it('coefficients give the cost model exactly at every N, computed and cached', () => {
    let maxRel = 0;
    for (const n of [1, 3, 16, 64, 257]) {
      for (const [outcome, userPassRan] of [['computed', true], ['cached', false]] as const) {
        const want = requestCost({ config, variant: 'ugsep', candidates: n, userPassRan });
        const got = costAt(facts.cost[outcome]!, n);
        for (const [a, b] of [[got.flops, want.flops.total], [got.weightBytes, want.weightBytes], [got.activationBytes, want.activationBytes]] as const) maxRel = Math.max(maxRel, Math.abs(a - b) / b);
      }
    }
    console.log(`max relative difference coefficients vs requestCost: ${maxRel.toExponential(2)}`);
    expect(maxRel).toBeLessThan(1e-12);
    // negative control: a cache hit skips the user pass, so its cost is not the computed one
    expect(costAt(facts.cost.cached!, 1).flops).toBeLessThan(costAt(facts.cost.computed, 1).flops / 2);
  });

  it('one predicted speedup: models/cost.ts and the results give the same number', () => {
    for (const n of [1, 16, 256]) expect(predictedSpeedup(facts, n)).toBe(modelsPredictedSpeedup(config, 'ugsep', n));
    expect(predictedSpeedup(modelFacts(config, 'baseline', null), 64)).toBe(1);
  });

  it('traits are data, not names', () => {
    expect(facts.traits).toEqual({ masked: true, compensation: true, int8Weights: false });
    expect(modelFacts(config, 'ugsep-nocomp', null).traits['compensation']).toBe(false);
    expect(modelFacts(config, 'baseline', null).cost.cached).toBeUndefined();
  });
});
