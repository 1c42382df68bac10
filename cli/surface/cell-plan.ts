/**
 * The traffic plan of one surface cell: closed loop, every request with the cell's candidate
 * count, users chosen so the cross-request cache hits at the cell's rate. Warm-up entries come
 * first (issued untimed by the caller: a miss, then a hit of the same user, alternating, so
 * both paths have run at this shape); measured request j is a hit exactly when
 * floor((j + 1)·h) > floor(j·h), which spreads floor(M·h) hits evenly over M requests. A hit
 * re-sends the previous request's user (its state was just computed); a miss sends a new user.
 */
import type { TrafficPlan } from '../../harness/loadgen/traffic/plan.ts';

export interface CellPlanOptions {
  candidates: number;
  /** null: no cache, every request a new user */
  hitRate: number | null;
  warmupRequests: number;
  requests: number;
  maxCellS: number;
  seed: number;
}

export function isPlannedHit(j: number, hitRate: number): boolean {
  return Math.floor((j + 1) * hitRate + 1e-9) > Math.floor(j * hitRate + 1e-9);
}

export function cellPlan(o: CellPlanOptions): TrafficPlan {
  const count = o.warmupRequests + o.requests;
  const userId = new Uint32Array(count);
  const intendedHit = new Uint8Array(count);
  let user = 0;
  for (let i = 0; i < count; i++) {
    const j = i - o.warmupRequests;
    const hit = user > 0 && (j < 0 ? i % 2 === 1 : o.hitRate !== null && isPlannedHit(j, o.hitRate));
    if (!hit) user++;
    userId[i] = user;
    intendedHit[i] = hit ? 1 : 0;
  }
  return {
    kind: 'closed',
    arrival: 'closed',
    count,
    startUs: new Float64Array(count),
    userId,
    candidates: new Uint32Array(count).fill(o.candidates),
    // the executor starts measuring at once (warmupUs 0) from index warmupCount: the caller has
    // already issued the warm-up entries itself, a fixed number rather than a time
    warmupCount: o.warmupRequests,
    warmupUs: 0,
    durationUs: o.maxCellS * 1e6,
    intendedHit,
    seed: o.seed,
  };
}
