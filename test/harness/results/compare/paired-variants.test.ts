/**
 * `compare --variants` on paired samples with a known relation: B twice as slow is a regression,
 * B twice as fast an improvement, B equal to A within 1% no change; no paired samples or an
 * unknown variant is bad input.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../harness/rng.ts';
import type { BenchResults, PairedSample } from '../../../../harness/results/contract.ts';
import { compareVariants } from '../../../../harness/results/compare/paired-variants.ts';
import { DEFAULT_RULE } from '../../../../harness/results/compare/decide.ts';
import { InputError } from '../../../../harness/errors.ts';

function resultsWith(factor: number): BenchResults {
  const rng = new Rng(5);
  const samples: PairedSample[] = [];
  for (let i = 0; i < 60; i++) {
    const candidates = 10 + (i % 30);
    const a = 1000 * candidates * Math.exp(0.1 * rng.normal());
    samples.push({ index: i, userId: i, candidates, bucket: candidates < 25 ? '10-24' : '25-39', order: ['A', 'B'], serviceUs: { A: a, B: a * factor * Math.exp(0.02 * rng.normal()) } });
  }
  const buckets = [
    { bucket: '10-24', loCandidates: 10, hiCandidates: 24, n: 0, medianServiceUs: {}, speedups: [] },
    { bucket: '25-39', loCandidates: 25, hiCandidates: 39, n: 0, medianServiceUs: {}, speedups: [] },
    { bucket: 'all', loCandidates: 10, hiCandidates: 39, n: 0, medianServiceUs: {}, speedups: [] },
  ];
  return { status: 'valid', paired: { seed: 1, runtime: 'sim', variants: ['A', 'B'], cache: 'bypassed', samples, buckets } } as unknown as BenchResults;
}

const options = { rule: DEFAULT_RULE, confidence: 0.95, replicates: 500, seed: 1 };

describe('compareVariants', () => {
  it('B twice as slow: regression in every bucket and overall', () => {
    const c = compareVariants(resultsWith(2), 'A', 'B', 'r.json', options);
    expect(c.buckets.map((b) => b.bucket)).toEqual(['10-24', '25-39', 'all']);
    expect(c.buckets.map((b) => b.verdict)).toEqual(['regression', 'regression', 'regression']);
    expect(c.buckets.at(-1)!.speedup.ratio).toBeCloseTo(0.5, 1);
    expect(c.verdict).toBe('regression');
  });

  it('B twice as fast: improvement; equal within noise: no change', () => {
    expect(compareVariants(resultsWith(0.5), 'A', 'B', 'r.json', options).verdict).toBe('improvement');
    const same = compareVariants(resultsWith(1), 'A', 'B', 'r.json', options);
    expect(same.verdict).toBe('no change');
    expect(same.buckets.at(-1)!.change.low).toBeGreaterThan(-0.05);
    expect(same.buckets.at(-1)!.change.high).toBeLessThan(0.05);
  });

  it('refuses results without paired samples, and unknown variants (exit 104)', () => {
    expect(() => compareVariants({ status: 'valid' } as unknown as BenchResults, 'A', 'B', 'r.json', options)).toThrow(InputError);
    expect(() => compareVariants(resultsWith(1), 'A', 'C', 'r.json', options)).toThrow(/expected two different variants of A, B, got A,C/);
  });
});
