/**
 * The reference (split and monolithic) and ORT fp32 against golden scores computed by an
 * independent float64 implementation (test/oracle/oracle.py; README.md here says how to rerun it).
 * Negative control: each variant's scores compared with every other variant's golden must exceed
 * the bound, so the bound separates the variants' real differences from float32 noise.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ReferenceModel } from '../../models/reference/model.ts';
import { createOrtRuntime } from '../../models/runtimes/ort.ts';
import { VARIANTS, type Variant } from '../../models/variants.ts';
import { loadGoldenCases, maxRelDiffToGolden, type GoldenCase } from './golden.ts';

const BOUND = 1e-6;
const cases = loadGoldenCases();
const report: string[] = [];
afterAll(() => console.log(`oracle parity (max relative diff, bound ${BOUND}):\n  ${report.join('\n  ')}`));

function referenceScores(c: GoldenCase, variant: Variant, monolithic: boolean): Float32Array[] {
  const model = new ReferenceModel(c.weights, variant);
  return c.requests.map((r) => (monolithic ? model.scoreMonolithic(r.user, r.group) : model.score(r.user, r.group)));
}

describe.each(cases.map((c) => [c.name, c] as const))('oracle case %s', (name, c) => {
  it('covers what it claims: every variant, and the uneven case has Tu != Tg', () => {
    expect(Object.keys(c.scores).sort()).toEqual([...VARIANTS].sort());
    expect(c.weights.config).toEqual(c.config);
    if (name === 'uneven') expect(c.config.Tu).not.toBe(c.config.T - c.config.Tu);
    const all = Object.values(c.scores).flat(2);
    expect(all.every((s) => s > 0.02 && s < 0.98)).toBe(true); // not saturated: differences show
  });

  it.each([...VARIANTS])('reference %s (split and monolithic) equals the golden within 1e-6', (variant) => {
    const split = maxRelDiffToGolden(referenceScores(c, variant, false), c.scores[variant]);
    const mono = maxRelDiffToGolden(referenceScores(c, variant, true), c.scores[variant]);
    const others = VARIANTS.filter((v) => v !== variant).map((v) => maxRelDiffToGolden(referenceScores(c, variant, false), c.scores[v]));
    const control = Math.min(...others);
    report.push(`${name} reference ${variant}: split ${split.toExponential(2)}, monolithic ${mono.toExponential(2)}; vs nearest other variant's golden ${control.toExponential(2)}`);
    expect(split).toBeLessThanOrEqual(BOUND);
    expect(mono).toBeLessThanOrEqual(BOUND);
    expect(control).toBeGreaterThan(BOUND);
  });

  it.each(['baseline', 'ugsep', 'ugsep-nocomp'] as const)('ort-cpu fp32 %s equals the golden within 1e-6', async (variant) => {
    const runtime = await createOrtRuntime(c.weights, variant, { threads: 1 });
    try {
      const got: Float32Array[] = [];
      for (const r of c.requests) got.push(await runtime.score(r.user, r.group));
      const diff = maxRelDiffToGolden(got, c.scores[variant]);
      report.push(`${name} ort-cpu ${variant}: ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(BOUND);
    } finally {
      await runtime.dispose();
    }
  });
});
