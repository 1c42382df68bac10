/**
 * The surface grid: defaults span the scenario's candidate range, bad flags are bad input naming
 * the flag, and a cell's plan realises its hit rate exactly (floor(M·h) hits, evenly spread).
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/errors.ts';
import { cellPlan, isPlannedHit } from '../../../cli/surface/cell-plan.ts';
import { DEFAULT_HIT_RATES, geometricCounts, surfaceGrid, type GridFlags } from '../../../cli/surface/grid.ts';
import type { CandidatesSpec } from '../../../harness/scenario/schema.ts';

const DEFAULT_SPEC: CandidatesSpec = { distribution: 'lognormal', median: 64, sigma: 0.5, min: 8, max: 256 };

function problem(flags: GridFlags, spec: CandidatesSpec = DEFAULT_SPEC): string {
  try {
    surfaceGrid(flags, spec);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).message;
  }
  return 'no error';
}

describe('surface grid', () => {
  it('defaults: 6 geometric counts over the default scenario range x hit 0, 0.5, 0.9, 1', () => {
    const g = surfaceGrid({}, DEFAULT_SPEC);
    expect(g.candidates).toEqual([8, 16, 32, 64, 128, 256]);
    expect(g.hitRates).toEqual(DEFAULT_HIT_RATES);
    expect(surfaceGrid({}, { distribution: 'fixed', count: 64 }).candidates).toEqual([8, 12, 18, 28, 42, 64]);
    expect(geometricCounts(2, 3)).toEqual([2, 3]);
  });

  it('parses flags, sorted and distinct', () => {
    const g = surfaceGrid({ candidates: '64, 8,8', hitRates: '1,0', requests: '7', warmupRequests: '0', maxCellS: '2.5' }, DEFAULT_SPEC);
    expect(g).toMatchObject({ candidates: [8, 64], hitRates: [0, 1], requestsPerCell: 7, warmupRequestsPerCell: 0, maxCellS: 2.5 });
  });

  it.each([
    [{ candidates: '8,abc' }, '--candidates: expected comma-separated integers in [1, 65536], got "abc"'],
    [{ candidates: '0,8' }, '--candidates: expected comma-separated integers'],
    [{ candidates: '8' }, '--candidates: expected at least two distinct values'],
    [{ hitRates: '0,1.5' }, '--hit-rates: expected comma-separated numbers in [0, 1], got "1.5"'],
    [{ hitRates: '0.5,0.5' }, '--hit-rates: expected at least two distinct values'],
    [{ requests: '2' }, '--requests: expected an integer in [3, 100000], got "2"'],
    [{ warmupRequests: '-1' }, '--warmup-requests: expected an integer in [0, 10000]'],
    [{ maxCellS: '0' }, '--max-cell-s: expected a number of seconds in (0, 3600]'],
    [{ candidates: Array.from({ length: 60 }, (_, i) => i + 1).join(','), hitRates: '0,0.25,0.5,1' }, '--candidates x --hit-rates: expected at most 200 cells, got 60 x 4 = 240'],
  ])('refuses %o naming the flag', (flags, message) => {
    expect(problem(flags)).toContain(message);
  });

  it('a scenario with a single candidate count needs --candidates', () => {
    expect(problem({}, { distribution: 'fixed', count: 1 })).toContain('--candidates: expected at least two counts');
  });

  it.each([0, 0.25, 0.5, 0.9, 1])('a cell plan at hit rate %s has floor(M·h) planned hits, each re-sending the previous user', (h) => {
    const M = 40;
    const plan = cellPlan({ candidates: 16, hitRate: h, warmupRequests: 2, requests: M, maxCellS: 1, seed: 1 });
    expect(plan.count).toBe(M + 2);
    expect(plan.warmupCount).toBe(2);
    expect([...plan.candidates].every((n) => n === 16)).toBe(true);
    let hits = 0;
    for (let i = plan.warmupCount; i < plan.count; i++) {
      if (plan.intendedHit![i] === 1) {
        hits++;
        expect(plan.userId[i]).toBe(plan.userId[i - 1]);
      } else expect(plan.userId[i]).toBeGreaterThan(plan.userId[i - 1]!);
    }
    expect(hits).toBe(Math.floor(M * h));
    // warm-up: a miss then a hit of the same user
    expect([plan.intendedHit![0], plan.intendedHit![1]]).toEqual([0, 1]);
    expect(isPlannedHit(0, 0.5)).toBe(false);
    expect(isPlannedHit(1, 0.5)).toBe(true);
  });
});
