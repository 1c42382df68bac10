/**
 * A HostedModel over a model-instance pool: the OIP server's view of one variant. The server's
 * thread parses, admits and answers; the pool's instances compute. Requests that carry
 * `parameters.user_id` use the cross-request user-state cache (ugsep variants); the rest run the
 * whole request, still reusing the user pass within it.
 */
import type { InstancePool } from '../models/instances/pool.ts';
import { CACHE_DESIGN, createCachedScorer, type ScorerCacheOptions } from '../models/sut/cached-scorer.ts';
import type { HostedModel } from './app.ts';
import { describeBatching } from '../models/instances/batcher.ts';

export interface HostedRuntimeOptions {
  pool: InstancePool;
  /** requests one instance works on at once (the pool's perInstance); default 1 */
  perInstance?: number;
  maxCandidates: number;
  /** cross-request cache; undefined = no cross-request caching */
  cache?: ScorerCacheOptions;
  /** URL name; default the pool's variant (a user's own ONNX model has its own name) */
  name?: string;
}

export function hostRuntime(options: HostedRuntimeOptions): HostedModel {
  const { pool } = options;
  const scorer = createCachedScorer<string>(pool, options.cache);
  const info = pool.info;
  return {
    name: options.name ?? pool.variant,
    platform: `ugbench/${info.runtime}`,
    Fu: pool.config.Fu,
    Fg: pool.config.Fg,
    maxCandidates: options.maxCandidates,
    // with dynamic batching an instance computes up to maxBatch requests at once: admit that many,
    // or batches could never fill
    concurrency: pool.size * (options.perInstance ?? 1) * (pool.batching?.maxBatch ?? 1),
    facts: {
      runtime: info.runtime,
      provider: info.provider,
      threads: info.threads,
      instances: pool.size,
      weight_precision: info.weightPrecision,
      activation_precision: info.activationPrecision,
      cross_request_user_cache: scorer.cache !== undefined,
      ...(pool.batching ? { dynamic_batching: describeBatching(pool.batching), batched_form: pool.batchedForm } : {}),
      ...(scorer.cache ? { user_cache_design: CACHE_DESIGN } : {}),
    },
    instances: () => pool.stats(),
    queued: () => pool.queued(),
    close: () => pool.close(),
    async infer(request) {
      const outcome = await scorer.score(request.userId, request.userFeatures, request.groupFeatures);
      if (!outcome.ok) throw new Error(outcome.error);
      return { scores: outcome.scores, cacheHit: outcome.cacheHit, evictions: outcome.evictions, timingsUs: outcome.timingsUs };
    },
  };
}
