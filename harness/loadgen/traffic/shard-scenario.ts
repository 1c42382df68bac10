/**
 * The scenario one shard runs with: the parts of a scenario that are totals for the whole run
 * are divided among shards, so n shards together generate (and are judged on) what one process
 * would. Open-loop rates need no change: the sub-plan already holds 1/n of the arrivals.
 * - closed loop: the `concurrency` clients are split (shard i gets its share, as k6 splits VUs
 *   across execution segments); fewer clients than shards is refused.
 * - minQueries: a shard is judged on its share; `ugbench merge` re-judges the total.
 * - user cache capacity: each shard's in-process cache holds 1/n of the budget, so the n caches
 *   together hold what one process's cache would and see the same users (hit rate unchanged).
 */
import { InputError } from '../../errors.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { ShardSpec } from './shard.ts';

/** Shard i's share of `total` items split as evenly as possible (the first `total % n` get one more). */
export function shareOf(total: number, shard: ShardSpec): number {
  return Math.floor(total / shard.count) + (shard.index < total % shard.count ? 1 : 0);
}

export function shardScenario(scenario: Scenario, shard: ShardSpec): Scenario {
  if (shard.count === 1) return scenario;
  const s = structuredClone(scenario);
  const arrivals = s.traffic.arrivals;
  if (arrivals.process === 'closed') {
    if (arrivals.concurrency < shard.count) {
      throw new InputError('--shard', [`traffic.arrivals.concurrency: expected >= the shard count ${shard.count} (each shard needs a client), got ${arrivals.concurrency}`]);
    }
    arrivals.concurrency = shareOf(arrivals.concurrency, shard);
  }
  s.run.minQueries = Math.ceil(s.run.minQueries / shard.count);
  if (s.cache.capacityUsers !== undefined) s.cache.capacityUsers = Math.max(1, Math.ceil(s.cache.capacityUsers / shard.count));
  if (s.cache.capacityBytes !== undefined) s.cache.capacityBytes = Math.max(1, Math.ceil(s.cache.capacityBytes / shard.count));
  return s;
}
