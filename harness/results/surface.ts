/**
 * The reuse surface's fit: t = a + b·N + (1 − hit)·c_user by ordinary least squares over the
 * cells of one variant (t = the cell's mean service time, N = candidates, hit = the cell's
 * realised hit rate), with R² and the worst residual; and the fitted prediction, for capacity and
 * what-if figures. The mean is the statistic because the model is linear in the hit rate: a cell
 * with hit rate h is a mix of hits and misses, whose mean (not median) is the mix of their means.
 */
import { InputError } from '../errors.ts';
import type { BenchResults, ReuseSurface, SurfaceFit } from './contract.ts';

/** One cell as the fit sees it. hitRate null: no cache, the user side runs in every request. */
export interface SurfacePoint {
  candidates: number;
  hitRate: number | null;
  meanUs: number;
}

export type SurfaceFitOutcome = { ok: true; fit: SurfaceFit; fittedUs: number[] } | { ok: false; problem: string };

/** A column whose part not explained by the columns before it is below this share of its norm is dependent on them. */
const RANK_TOLERANCE = 1e-9;

/**
 * min ‖X·β − y‖² for X given as columns (each of y's length), by modified Gram–Schmidt QR (no
 * normal equations: N up to thousands against a column of ones squares the condition number).
 * Returns the index of the first column that depends on the earlier ones instead of a solution.
 */
export function leastSquares(columns: readonly (readonly number[])[], y: readonly number[]): { beta: number[] } | { dependentColumn: number } {
  const m = y.length;
  const q: number[][] = [];
  const r: number[][] = columns.map(() => columns.map(() => 0));
  for (let j = 0; j < columns.length; j++) {
    const v = [...columns[j]!];
    const norm0 = Math.hypot(...v);
    for (let i = 0; i < j; i++) {
      const dot = q[i]!.reduce((s, qi, k) => s + qi * v[k]!, 0);
      r[i]![j] = dot;
      for (let k = 0; k < m; k++) v[k]! -= dot * q[i]![k]!;
    }
    const norm = Math.hypot(...v);
    if (norm0 === 0 || norm <= RANK_TOLERANCE * norm0) return { dependentColumn: j };
    r[j]![j] = norm;
    q.push(v.map((x) => x / norm));
  }
  // R·β = Qᵀ·y, back substitution
  const qty = q.map((qj) => qj.reduce((s, x, k) => s + x * y[k]!, 0));
  const beta = new Array<number>(columns.length).fill(0);
  for (let j = columns.length - 1; j >= 0; j--) {
    let s = qty[j]!;
    for (let i = j + 1; i < columns.length; i++) s -= r[j]![i]! * beta[i]!;
    beta[j] = s / r[j]![j]!;
  }
  return { beta };
}

/** 1 − SS_res / SS_tot; null when SS_tot is 0 (every measured value equal: nothing to explain). */
export function rSquared(measured: readonly number[], fitted: readonly number[]): number | null {
  const mean = measured.reduce((s, x) => s + x, 0) / measured.length;
  const ssTot = measured.reduce((s, x) => s + (x - mean) ** 2, 0);
  const ssRes = measured.reduce((s, x, i) => s + (x - fitted[i]!) ** 2, 0);
  return ssTot === 0 ? null : 1 - ssRes / ssTot;
}

const WHY_DEPENDENT = [
  'a (per request): no cells',
  'b (per candidate): every cell has the same candidate count; give --candidates two or more counts',
  'c_user: every cell has the same realised hit rate; give --hit-rates two or more rates',
];

/**
 * Fit one variant's cells. With `withUser` (a cache made the hits) the model is
 * a + b·N + (1 − hit)·c_user; without, a + b·N (the user side is part of a and b).
 * Needs one cell more than coefficients, so that R² and the residuals say something.
 */
export function fitSurface(points: readonly SurfacePoint[], withUser: boolean): SurfaceFitOutcome {
  const parameters = withUser ? 3 : 2;
  if (points.length < parameters + 1) return { ok: false, problem: `${points.length} usable cells, the fit of ${parameters} coefficients needs at least ${parameters + 1}` };
  if (withUser && points.some((p) => p.hitRate === null)) return { ok: false, problem: 'a cell without a hit rate in a fit with c_user' };
  const columns = [points.map(() => 1), points.map((p) => p.candidates), ...(withUser ? [points.map((p) => 1 - p.hitRate!)] : [])];
  const y = points.map((p) => p.meanUs);
  const solved = leastSquares(columns, y);
  if ('dependentColumn' in solved) return { ok: false, problem: `cannot determine ${WHY_DEPENDENT[solved.dependentColumn]}` };
  const [aUs, bUsPerCandidate, cUserUs] = solved.beta as [number, number, number | undefined];
  const fittedUs = points.map((p) => aUs + bUsPerCandidate * p.candidates + (cUserUs ?? 0) * (1 - (p.hitRate ?? 0)));
  const residuals = points.map((p, i) => p.meanUs - fittedUs[i]!);
  let worst = 0;
  residuals.forEach((res, i) => {
    if (Math.abs(res) > Math.abs(residuals[worst]!)) worst = i;
  });
  const sumSq = residuals.reduce((s, res) => s + res * res, 0);
  const w = points[worst]!;
  const residualUs = residuals[worst]!;
  return {
    ok: true,
    fittedUs,
    fit: {
      aUs,
      bUsPerCandidate,
      cUserUs: withUser ? cUserUs! : null,
      r2: rSquared(y, fittedUs),
      cells: points.length,
      rmsResidualUs: Math.sqrt(sumSq / points.length),
      worst: { candidates: w.candidates, hitRate: w.hitRate, residualUs, relative: w.meanUs === 0 ? 0 : residualUs / w.meanUs },
    },
  };
}

/** t at (N, hit) from a fit; a fit without c_user ignores the hit rate. */
export function predictServiceUs(fit: SurfaceFit, candidates: number, hitRate: number): number {
  return fit.aUs + fit.bUsPerCandidate * candidates + (fit.cUserUs ?? 0) * (1 - hitRate);
}

/**
 * The fitted service time of `variant` (on `runtime`, or its first runtime) at N candidates and a
 * hit rate, with the R² the fit reached, so a consumer can use the model only where it fits.
 * Null when the surface has no fit for that variant.
 */
export function surfacePrediction(surface: ReuseSurface, variant: string, candidates: number, hitRate: number, runtime?: string): { serviceUs: number; r2: number | null; cells: number } | null {
  const entry = surface.variants.find((v) => v.variant === variant && (runtime === undefined || v.runtime === runtime));
  if (!entry?.fit) return null;
  return { serviceUs: predictServiceUs(entry.fit, candidates, hitRate), r2: entry.fit.r2, cells: entry.fit.cells };
}

/** The surface of a results file (read with read.ts), or bad input naming the file when it has none. */
export function surfaceOf(results: BenchResults, name: string): ReuseSurface {
  const surface = results.surface;
  if (typeof surface !== 'object' || !Array.isArray(surface.variants)) throw new InputError(name, ['surface: expected the section `ugbench surface` writes, got none (a `ugbench bench` results file?)']);
  return surface;
}
