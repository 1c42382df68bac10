/**
 * The reuse-surface fit: known coefficients come back (exactly, and within a stated tolerance
 * under seeded noise), R² and the worst residual are what an independent computation gives, and a
 * model that is wrong for the data (a quadratic term) shows in R² and the residual.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../harness/rng.ts';
import { fitSurface, leastSquares, predictServiceUs, rSquared, surfaceOf, surfacePrediction, type SurfacePoint } from '../../../harness/results/surface.ts';
import type { BenchResults, ReuseSurface, SurfaceFit } from '../../../harness/results/contract.ts';

const COUNTS = [8, 16, 32, 64, 128, 256];
const HITS = [0, 0.5, 0.9, 1];
const TRUE = { a: 1500, b: 40, c: 900 }; // µs, µs per candidate, µs

function grid(t: (n: number, hit: number) => number): SurfacePoint[] {
  return COUNTS.flatMap((candidates) => HITS.map((hitRate) => ({ candidates, hitRate, meanUs: t(candidates, hitRate) })));
}
const linear = (n: number, hit: number): number => TRUE.a + TRUE.b * n + (1 - hit) * TRUE.c;

function fitted(points: SurfacePoint[], withUser = true): SurfaceFit {
  const out = fitSurface(points, withUser);
  if (!out.ok) throw new Error(out.problem);
  return out.fit;
}

describe('reuse surface fit', () => {
  it('recovers known coefficients from exact data, R² = 1, residuals ~0', () => {
    const fit = fitted(grid(linear));
    const diffs = [Math.abs(fit.aUs - TRUE.a), Math.abs(fit.bUsPerCandidate - TRUE.b), Math.abs(fit.cUserUs! - TRUE.c)];
    console.log(`exact data: max |coefficient error| = ${Math.max(...diffs).toExponential(2)}, worst residual ${fit.worst.residualUs.toExponential(2)} µs`);
    expect(Math.max(...diffs)).toBeLessThan(1e-8);
    expect(fit.r2).toBeGreaterThan(1 - 1e-12);
    expect(Math.abs(fit.worst.residualUs)).toBeLessThan(1e-8);
    expect(fit.cells).toBe(24);
  });

  it('recovers them under seeded noise (σ = 20 µs) within 8 standard errors', () => {
    const rng = new Rng('surface-noise');
    const sigma = 20;
    const fit = fitted(grid((n, h) => linear(n, h) + sigma * rng.normal()));
    // standard errors of OLS on this grid for σ = 20 µs: a ~6 µs, b ~0.05 µs, c ~10 µs
    const tol = { a: 48, b: 0.4, c: 80 };
    const err = { a: fit.aUs - TRUE.a, b: fit.bUsPerCandidate - TRUE.b, c: fit.cUserUs! - TRUE.c };
    console.log(`noisy data: errors a ${err.a.toFixed(2)} µs (tol ${tol.a}), b ${err.b.toFixed(3)} µs/cand (tol ${tol.b}), c ${err.c.toFixed(2)} µs (tol ${tol.c}); R² ${fit.r2!.toFixed(6)}`);
    expect(Math.abs(err.a)).toBeLessThan(tol.a);
    expect(Math.abs(err.b)).toBeLessThan(tol.b);
    expect(Math.abs(err.c)).toBeLessThan(tol.c);
    expect(fit.r2!).toBeGreaterThan(0.999);
    // negative control of the tolerances: the same noise on data whose b and c are off by twice
    // the tolerance gives fits outside it
    const rng2 = new Rng('surface-noise');
    const off = fitted(grid((n, h) => TRUE.a + (TRUE.b + 2 * tol.b) * n + (1 - h) * (TRUE.c + 2 * tol.c) + sigma * rng2.normal()));
    console.log(`negative control: b error ${(off.bUsPerCandidate - TRUE.b).toFixed(3)}, c error ${(off.cUserUs! - TRUE.c).toFixed(2)}`);
    expect(Math.abs(off.bUsPerCandidate - TRUE.b)).toBeGreaterThan(tol.b);
    expect(Math.abs(off.cUserUs! - TRUE.c)).toBeGreaterThan(tol.c);
  });

  it('R² equals the squared Pearson correlation for t = a + b·N, computed independently', () => {
    const rng = new Rng('surface-r2');
    const points = COUNTS.flatMap((candidates) => [0, 1, 2].map(() => ({ candidates, hitRate: null, meanUs: 800 + 30 * candidates + 400 * rng.normal() })));
    const fit = fitted(points, false);
    const xs = points.map((p) => p.candidates);
    const ys = points.map((p) => p.meanUs);
    const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
    const my = ys.reduce((s, y) => s + y, 0) / ys.length;
    let sxy = 0, sxx = 0, syy = 0;
    xs.forEach((x, i) => {
      sxy += (x - mx) * (ys[i]! - my);
      sxx += (x - mx) ** 2;
      syy += (ys[i]! - my) ** 2;
    });
    const corr2 = (sxy * sxy) / (sxx * syy);
    console.log(`R² ${fit.r2} vs Pearson² ${corr2}; slope ${fit.bUsPerCandidate} vs ${sxy / sxx}`);
    expect(Math.abs(fit.r2! - corr2)).toBeLessThan(1e-12);
    expect(Math.abs(fit.bUsPerCandidate - sxy / sxx)).toBeLessThan(1e-9);
    expect(fit.cUserUs).toBeNull();
  });

  it('names the worst cell and its signed residual (an outlier planted in exact data)', () => {
    const points = grid(linear);
    const planted = points.findIndex((p) => p.candidates === 32 && p.hitRate === 0.5);
    points[planted]!.meanUs += 600;
    const fit = fitted(points);
    expect(fit.worst.candidates).toBe(32);
    expect(fit.worst.hitRate).toBe(0.5);
    const own = points[planted]!.meanUs - predictServiceUs(fit, 32, 0.5);
    expect(fit.worst.residualUs).toBeCloseTo(own, 9);
    expect(fit.worst.residualUs).toBeGreaterThan(400); // most of the outlier stays in its own residual
    expect(fit.worst.relative).toBeCloseTo(own / points[planted]!.meanUs, 12);
  });

  it('negative control: data with a quadratic term give a low R² and a large residual', () => {
    const fit = fitted(grid((n, h) => linear(n, h) + 0.5 * n * n));
    console.log(`quadratic data: R² ${fit.r2!.toFixed(4)}, worst residual ${fit.worst.residualUs.toFixed(0)} µs (${(100 * fit.worst.relative).toFixed(0)}%) at N=${fit.worst.candidates}`);
    expect(fit.r2!).toBeLessThan(0.97);
    expect(Math.abs(fit.worst.relative)).toBeGreaterThan(0.2);
  });

  it('refuses a grid that cannot determine a coefficient, naming the flag', () => {
    const oneCount = HITS.map((hitRate) => ({ candidates: 64, hitRate, meanUs: linear(64, hitRate) }));
    const oneHit = COUNTS.map((candidates) => ({ candidates, hitRate: 0.5, meanUs: linear(candidates, 0.5) }));
    const a = fitSurface(oneCount, true);
    const b = fitSurface(oneHit, true);
    expect(a.ok ? '' : a.problem).toContain('--candidates');
    expect(b.ok ? '' : b.problem).toContain('--hit-rates');
    const few = fitSurface(oneHit.slice(0, 3), true);
    expect(few.ok ? '' : few.problem).toContain('at least 4');
    expect(leastSquares([[1, 1], [2, 2]], [1, 2])).toEqual({ dependentColumn: 1 });
    expect(rSquared([5, 5, 5], [5, 5, 5])).toBeNull();
  });

  it('surfacePrediction returns the fitted t and the R² it rests on', () => {
    const fit = fitted(grid(linear));
    const base = { model: 't = a + b*N + (1 - hit)*c_user', statistic: 'mean serviceUs', grid: { candidates: COUNTS, hitRates: HITS, requestsPerCell: 1, warmupRequestsPerCell: 0, maxCellS: 1, minRequestsPerCell: 1 } } as const;
    const surface: ReuseSurface = { ...base, variants: [{ variant: 'ugsep', runtime: 'ort-cpu', runtimeFacts: { runtime: 'ort-cpu', provider: 'cpu', threads: 1, weightPrecision: 'fp32', activationPrecision: 'fp32', details: {} }, cacheUsed: true, cells: [], fit }] };
    const p = surfacePrediction(surface, 'ugsep', 100, 0.25);
    expect(p!.serviceUs).toBeCloseTo(linear(100, 0.25), 8);
    expect(p!.r2).toBe(fit.r2);
    expect(surfacePrediction(surface, 'baseline', 100, 0)).toBeNull();
    expect(surfaceOf({ surface } as BenchResults, 'f.json')).toBe(surface);
    expect(() => surfaceOf({ runs: [] } as unknown as BenchResults, 'bench.json')).toThrow(/bench\.json: surface: expected the section/);
  });
});
