/**
 * Weights and instance pools kept across bench runs: `ugbench sweep` measures many rates on one
 * set of instances (built once, untimed), as a server would stay up between load levels. A pool
 * is reused only for the same options (runtime, variant, weights, threads, instances); the owner
 * closes them all when done.
 */
import { createInstancePool, type InstancePool, type PoolOptions } from '../../models/instances/pool.ts';
import type { ModelWeights } from '../../models/weights/layout.ts';

export interface WarmInstances {
  weights: Map<string, ModelWeights>;
  pools: Map<string, InstancePool>;
}

export function createWarmInstances(): WarmInstances {
  return { weights: new Map(), pools: new Map() };
}

export async function warmPool(warm: WarmInstances, options: PoolOptions): Promise<InstancePool> {
  const { clock: _clock, ...identity } = options;
  const key = JSON.stringify(identity);
  let pool = warm.pools.get(key);
  if (!pool) {
    pool = await createInstancePool(options);
    warm.pools.set(key, pool);
  }
  await pool.settled(); // a replacement instance still starting would be timed in the next run
  return pool;
}

export async function closeWarmInstances(warm: WarmInstances): Promise<void> {
  const pools = [...warm.pools.values()];
  warm.pools.clear();
  warm.weights.clear();
  await Promise.all(pools.map((p) => p.close()));
}
