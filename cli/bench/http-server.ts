/**
 * The HTTP target's server side: the arguments of the local `ugbench serve` ugbench starts for a
 * runtime, and what a server says it runs (OIP model metadata).
 */
import { request } from 'undici';
import { InputError } from '../../harness/errors.ts';
import type { RuntimeFacts } from '../../harness/results/contract.ts';
import type { HttpTargetSpec } from '../../harness/scenario/schema.ts';
import type { ModelConfig } from '../../models/config.ts';
import type { TargetContext } from './systems.ts';

export function serveArgs(ctx: TargetContext, target: HttpTargetSpec): string[] {
  const { scenario, plan } = ctx;
  let maxCandidates = 1;
  for (let i = 0; i < plan.count; i++) maxCandidates = Math.max(maxCandidates, plan.candidates[i]!);
  const args = [
    '--runtime', ctx.runtime.name,
    '--variants', ctx.variants.join(','),
    '--seed', String(scenario.seed),
    '--max-candidates', String(maxCandidates),
    '--max-in-flight', String(target.server.maxInFlight),
    '--max-queue', String(target.server.maxQueue),
  ];
  if (ctx.runtime.threads !== undefined) args.push('--threads', String(ctx.runtime.threads));
  const batching = ctx.runtime.batching;
  if (batching) {
    args.push('--max-batch', String(batching.maxBatch), '--max-queue-delay-us', String(batching.maxQueueDelayUs));
    if (batching.preferredBatch.length > 0) args.push('--preferred-batch', batching.preferredBatch.join(','));
  }
  if (ctx.choice.weightsPath !== undefined) args.push('--weights', ctx.choice.weightsPath);
  else if (ctx.choice.preset !== null) args.push('--preset', ctx.choice.preset);
  const cache = scenario.cache;
  if (cache.enabled) {
    // Forced hit rate: the plan makes the hits, so the server's cache is unlimited.
    args.push('--user-cache');
    if (cache.forcedHitRate === undefined) {
      if (cache.capacityUsers !== undefined) args.push('--cache-users', String(cache.capacityUsers));
      if (cache.capacityBytes !== undefined) args.push('--cache-bytes', String(cache.capacityBytes));
      if (cache.ttlS !== undefined) args.push('--cache-ttl-ms', String(Math.max(1, Math.round(cache.ttlS * 1000))));
    }
  }
  return args;
}

/** What the server says it runs (ugbench serve reports its facts; other servers their platform). */
export async function remoteRuntimeFacts(endpoint: string, modelName: string, config: ModelConfig, runtimeName: string): Promise<RuntimeFacts> {
  let meta: { platform?: string; inputs?: Array<{ name: string; shape: number[] }>; parameters?: Record<string, unknown> };
  try {
    const res = await request(`${endpoint}/v2/models/${encodeURIComponent(modelName)}`);
    meta = (await res.body.json()) as typeof meta;
    if (res.statusCode !== 200) throw new Error(`http ${res.statusCode}`);
  } catch (error) {
    throw new InputError('target', [`target.models: expected ${endpoint} to serve a model named ${JSON.stringify(modelName)}, got ${(error as Error).message}`]);
  }
  const user = meta.inputs?.find((i) => i.name === 'user_features');
  if (user && user.shape[user.shape.length - 1] !== config.Fu) {
    throw new InputError('target', [`target: expected model ${modelName} to take user_features of ${config.Fu} values (the scenario's model), got shape ${JSON.stringify(user.shape)}`]);
  }
  const p = meta.parameters ?? {};
  const text = (key: string, fallback: string): string => {
    const value = p[key];
    return typeof value === 'string' ? value : fallback;
  };
  return {
    runtime: runtimeName,
    provider: text('provider', meta.platform ?? 'unknown (remote server)'),
    threads: typeof p.threads === 'number' ? p.threads : 0,
    weightPrecision: text('weight_precision', 'unknown (remote server)'),
    activationPrecision: text('activation_precision', 'unknown (remote server)'),
    details: { engine: text('runtime', meta.platform ?? 'remote'), platform: meta.platform ?? 'unknown', modelConfig: Object.entries(config).map(([k, v]) => `${k}=${v}`).join(' ') },
  };
}
