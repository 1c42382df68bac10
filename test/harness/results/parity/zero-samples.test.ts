/**
 * Parity under load may not pass on nothing: zero sampled requests give no figures and a gate on
 * them fails with a note; the per-run cap holds on a sampler fed every request; the schema's
 * default sampleFraction samples at least one measured request in every shipped scenario.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_PARITY_REQUESTS, createParitySampler } from '../../../../cli/bench/parity.ts';
import { buildPlan } from '../../../../harness/loadgen/traffic/plan.ts';
import { evaluateThresholds } from '../../../../harness/results/gates/evaluate.ts';
import { thresholdsFromText } from '../../../../harness/results/gates/source.ts';
import { ParitySampler } from '../../../../harness/results/parity/sampler.ts';
import { summarizeParity } from '../../../../harness/results/parity/summarize.ts';
import { parseScenario, parseYaml } from '../../../../harness/scenario/load.ts';
import { makeResults, makeRun } from '../results-fixture.ts';

const SCENARIO_DIR = path.resolve(import.meta.dirname, '../../../../scenarios');

/** Feed a sampler every plan index, as the SUT does, and return what it kept. */
function feed(sampler: ParitySampler, count: number): number[] {
  for (let i = 0; i < count; i++) if (sampler.wants(i)) sampler.record(i, [i / count, 0.5]);
  return sampler.samples().map(([index]) => index);
}

describe('parity from zero samples', () => {
  it('summarizes nothing to no figures (not drift 0, overlap 1, tau 1)', () => {
    expect(summarizeParity([], 10, 'ugsep@reference')).toBeNull();
    // how a run gets there: a fraction too small for its plan keeps nothing
    expect(feed(new ParitySampler({ fraction: 0.001, fromIndex: 0, toIndex: 80, seed: 1 }), 80)).toEqual([]);
    const one = summarizeParity([{ observed: [0.2, 0.4], expected: [0.2, 0.5] }], 10, 'x');
    expect(one).toMatchObject({ maxAbsDrift: expect.closeTo(0.1, 9), topkOverlap: 1, kendallTau: 1 });
  });

  it('a parity gate on a run that sampled 0 requests fails, with a note saying so', () => {
    const results = makeResults([
      makeRun({ variant: 'ugsep', runtime: 'ort', latenciesUs: [1000, 1000], rps: 10, parity: { sampleFraction: 0.02, sampledRequests: 0, sampledCandidates: 0, k: 10, vsReference: null, vsBaseline: null } }),
    ]);
    for (const line of ['score_drift{variant=ugsep} < 1e-3', 'topk_overlap{variant=ugsep} >= 0.9', 'kendall_tau{variant=ugsep, vs=baseline} > 0.5']) {
      const [verdict] = evaluateThresholds(results, thresholdsFromText(line, 't'));
      expect(verdict).toMatchObject({ pass: false, value: null });
      expect(verdict!.note).toMatch(/sampled 0 requests/);
    }
  });
});

describe('the per-run sample cap', () => {
  it('a sampler fed every request keeps at most maxRequests, all measured, the same ones every time', () => {
    const options = { fraction: 0.5, fromIndex: 20, toIndex: 220, seed: 7, maxRequests: MAX_PARITY_REQUESTS };
    const kept = feed(new ParitySampler(options), 220);
    expect(kept).toHaveLength(MAX_PARITY_REQUESTS); // 100 wanted, capped
    expect(kept.every((i) => i >= 20 && i < 220)).toBe(true); // warm-up never sampled
    expect(feed(new ParitySampler(options), 220)).toEqual(kept); // every variant pairs the same requests
    expect(feed(new ParitySampler({ ...options, maxRequests: undefined }), 220)).toHaveLength(100);
  });
});

describe('the default sampleFraction in every shipped scenario', () => {
  const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.yaml'));
  it('finds the shipped scenarios', () => expect(files.length).toBeGreaterThanOrEqual(5));

  it.each(files)('%s: the default samples at least one measured request', (file) => {
    // The schema's default, not a copy of it: the same scenario parsed with `parity: {}`.
    const raw = parseYaml(readFileSync(path.join(SCENARIO_DIR, file), 'utf8'), file) as Record<string, unknown>;
    const scenario = parseScenario({ ...raw, parity: {} }, file);
    const plan = buildPlan(scenario);
    const kept = feed(createParitySampler(scenario, plan)!, plan.count);
    console.log(`${file}: ${plan.count - plan.warmupCount} measured requests, default sampleFraction ${scenario.parity!.sampleFraction} -> ${kept.length} sampled`);
    expect(kept.length).toBeGreaterThanOrEqual(1);
  });
});
