/** The scenario's user-cache limits as the in-process scorer takes them (built-in and ONNX variants alike). */
import type { ScorerCacheOptions } from '../../models/sut/cached-scorer.ts';
import type { TargetContext } from './systems.ts';

export function cacheOptions(ctx: Pick<TargetContext, 'scenario' | 'clock'>): ScorerCacheOptions {
  const c = ctx.scenario.cache;
  // a forced hit rate: the plan makes the hits; capacity would only add noise
  if (c.forcedHitRate !== undefined) return { clock: ctx.clock, limits: {} };
  return { clock: ctx.clock, limits: { capacityBytes: c.capacityBytes, capacityUsers: c.capacityUsers, ttlUs: c.ttlS === undefined ? undefined : c.ttlS * 1e6 } };
}
