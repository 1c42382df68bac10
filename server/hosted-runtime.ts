/**
 * A HostedModel over a ScoringRuntime: the OIP server's view of one variant. Requests that carry
 * `parameters.user_id` use the cross-request user-state cache (ugsep variants); the rest run
 * the whole request, still reusing the user pass within it.
 */
import type { CacheLimits } from '../models/cache/user-state-cache.ts';
import type { Clock } from '../harness/loadgen/clock.ts';
import type { ScoringRuntime } from '../models/runtimes/runtime.ts';
import { createCachedScorer } from '../models/sut/cached-scorer.ts';
import type { HostedModel } from './app.ts';

export interface HostedRuntimeOptions {
  runtime: ScoringRuntime;
  maxCandidates: number;
  /** cross-request cache; undefined = no cross-request caching */
  cache?: { limits: CacheLimits; clock: Clock };
}

export function hostRuntime(options: HostedRuntimeOptions): HostedModel {
  const { runtime } = options;
  const scorer = createCachedScorer<string>(runtime, options.cache);
  const info = runtime.info;
  return {
    name: runtime.variant,
    platform: `ugbench/${info.runtime}`,
    Fu: runtime.config.Fu,
    Fg: runtime.config.Fg,
    maxCandidates: options.maxCandidates,
    facts: {
      runtime: info.runtime,
      provider: info.provider,
      threads: info.threads,
      weight_precision: info.weightPrecision,
      activation_precision: info.activationPrecision,
      cross_request_user_cache: scorer.cache !== undefined,
    },
    async infer(request) {
      const evictionsBefore = scorer.cache?.stats().evictions ?? 0;
      const { scores, cacheHit } = await scorer.score(request.userId, request.userFeatures, request.groupFeatures);
      return { scores, cacheHit, evictions: (scorer.cache?.stats().evictions ?? 0) - evictionsBefore };
    },
  };
}
