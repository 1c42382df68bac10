import { describe, expect, it } from 'vitest';
import { kendallTau, scoreDrift, topKOverlap, topKIndices } from '../../../../harness/results/parity/metrics.ts';
import { summarizeParity } from '../../../../harness/results/parity/summarize.ts';
import { ParitySampler, chooseIndices } from '../../../../harness/results/parity/sampler.ts';

describe('parity metrics on known inputs', () => {
  it('drift', () => {
    expect(scoreDrift([0.1, 0.5, 0.9], [0.1, 0.4, 1.0])).toEqual({ maxAbs: expect.closeTo(0.1, 12), meanAbs: expect.closeTo(0.2 / 3, 12) });
    expect(scoreDrift([], [])).toEqual({ maxAbs: 0, meanAbs: 0 });
    expect(() => scoreDrift([1], [1, 2])).toThrow(RangeError);
  });
  it('top-k overlap', () => {
    expect(topKIndices([0.1, 0.9, 0.5, 0.9], 2)).toEqual([1, 3]);
    expect(topKOverlap([5, 4, 3, 2, 1], [5, 4, 3, 2, 1], 3)).toBe(1);
    // top-3 of a = {0,1,2}; top-3 of b = {0,3,4}
    expect(topKOverlap([5, 4, 3, 2, 1], [5, 1, 2, 4, 3], 3)).toBeCloseTo(1 / 3, 12);
    expect(topKOverlap([1, 2], [2, 1], 10)).toBe(1); // k larger than n: both serve everything
  });
  it('Kendall tau-b', () => {
    expect(kendallTau([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(kendallTau([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    // one swapped adjacent pair of 4: C = 5, D = 1 -> 4/6
    expect(kendallTau([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 12);
    // ties: a = [1,1,2], b = [1,2,3]: pairs (0,1) tie in a; (0,2),(1,2) concordant -> 2 / sqrt(2*3)
    expect(kendallTau([1, 1, 2], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 12);
    expect(kendallTau([1], [2])).toBe(1);
  });
  it('summary over requests', () => {
    const s = summarizeParity([{ observed: [1, 2, 3], expected: [1, 2, 3] }, { observed: [3, 2, 1], expected: [1, 2, 3.5] }], 1, 'x@reference');
    expect(s).toEqual({ against: 'x@reference', maxAbsDrift: 2.5, meanAbsDrift: expect.closeTo(4.5 / 6, 12), topkOverlap: 0.5, kendallTau: 0 });
  });
  it('the sampler picks the same requests for every variant, and the requested share', () => {
    const a = chooseIndices(0.1, 1000, 7);
    expect(a.size).toBe(100);
    expect([...chooseIndices(0.1, 1000, 7)]).toEqual([...a]);
    const sampler = new ParitySampler({ fraction: 0.1, fromIndex: 50, toIndex: 1050, seed: 7 });
    const scores = new Float32Array([0.25, 0.5]);
    for (let i = 0; i < 1050; i++) if (sampler.wants(i)) sampler.record(i, scores);
    expect(sampler.samples().every(([index]) => index >= 50)).toBe(true); // warm-up never sampled
    expect(new ParitySampler({ fraction: 0.5, fromIndex: 0, toIndex: 100, seed: 1, maxRequests: 5 }).samples()).toHaveLength(0);
    scores[0] = 9; // the runtime reusing its buffer must not change what was kept
    expect(sampler.samples()).toHaveLength(100);
    expect(sampler.samples()[0]![1]).toEqual(new Float32Array([0.25, 0.5]));
  });
});
