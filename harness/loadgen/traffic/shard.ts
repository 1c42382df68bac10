/**
 * Sharded load generation (issue 9): segment i of n of a seeded traffic plan. Arrivals are split
 * by a stable hash of the user id, so every request of a user lands on one generator, in the
 * plan's order. A user's cached state therefore lives on one generator (or one replica behind
 * it) and the user-cache hit rate matches a single process. Schedule times are kept as they
 * are: n generators started together replay the whole plan's timing between them.
 *
 * Pure functions: the same plan and shard give the same sub-plan on every machine.
 */
import { InputError } from '../../errors.ts';
import { hashString } from '../../rng.ts';
import type { TrafficPlan } from './plan.ts';

export interface ShardSpec {
  /** 0-based segment index, < count */
  index: number;
  /** segments the plan is split into, >= 1 */
  count: number;
}

/** A shard's part of a plan; arrays are the original plan's entries for this shard's users. */
export interface ShardPlan extends TrafficPlan {
  shard: ShardSpec;
  /** position of each entry in the whole plan (for provenance and tests) */
  sourceIndex: Uint32Array;
}

/** Largest shard count accepted: far beyond any generator fleet, small enough to catch typos. */
export const MAX_SHARDS = 1024;

/** `i/n` as given on the command line, e.g. `0/4`. */
export function parseShardSpec(text: string, option = '--shard'): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new InputError(option, [`expected i/n such as 0/4, got ${JSON.stringify(text)}`]);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) throw new InputError(option, [`shard count: expected 1..${MAX_SHARDS}, got ${count}`]);
  if (index >= count) throw new InputError(option, [`shard index: expected 0..${count - 1} (0-based), got ${index}`]);
  return { index, count };
}

/**
 * The shard a user belongs to. FNV-1a alone mixes its low bits poorly for decimal strings (its
 * lowest bit is the parity of the digit sum), so the hash goes through murmur3's finalizer and
 * the range is reduced with the high bits (multiply-shift), not a modulo.
 */
export function shardOfUser(userId: number, count: number): number {
  let h = hashString(`user:${userId}`);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return Math.floor((h / 2 ** 32) * count);
}

/** Segment `shard.index` of `shard.count` of the plan: the arrivals of its users, original times kept. */
export function shardPlan(plan: TrafficPlan, shard: ShardSpec): ShardPlan {
  const keep: number[] = [];
  let warmupCount = 0;
  // shard of each distinct user computed once: Zipf plans repeat their head users a lot
  const memo = new Map<number, number>();
  for (let i = 0; i < plan.count; i++) {
    const user = plan.userId[i]!;
    let s = memo.get(user);
    if (s === undefined) memo.set(user, (s = shardOfUser(user, shard.count)));
    if (s !== shard.index) continue;
    keep.push(i);
    if (i < plan.warmupCount) warmupCount++;
  }
  const sourceIndex = Uint32Array.from(keep);
  const pick = <T extends Float64Array | Uint32Array | Uint8Array>(from: T, into: T): T => {
    for (let j = 0; j < keep.length; j++) into[j] = from[keep[j]!]!;
    return into;
  };
  return {
    ...plan,
    count: keep.length,
    startUs: pick(plan.startUs, new Float64Array(keep.length)),
    userId: pick(plan.userId, new Uint32Array(keep.length)),
    candidates: pick(plan.candidates, new Uint32Array(keep.length)),
    intendedHit: plan.intendedHit ? pick(plan.intendedHit, new Uint8Array(keep.length)) : undefined,
    warmupCount,
    shard: { ...shard },
    sourceIndex,
  };
}
