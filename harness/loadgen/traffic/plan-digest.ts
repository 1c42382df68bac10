/**
 * A fingerprint of a whole traffic plan: sha256 over its arrays. Shards of one run carry the
 * digest of the plan they were cut from, so `ugbench merge` can refuse shards that came from
 * different plans even when scenario and seed look alike (e.g. two ugbench versions whose plan
 * generators differ).
 */
import { createHash } from 'node:crypto';
import type { TrafficPlan } from './plan.ts';

export function planDigest(plan: TrafficPlan): string {
  const hash = createHash('sha256');
  hash.update(`${plan.kind}:${plan.arrival}:${plan.count}:${plan.warmupCount}:${plan.warmupUs}:${plan.durationUs}:${plan.seed}:`);
  const bytes = (a: Float64Array | Uint32Array | Uint8Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  hash.update(bytes(plan.startUs));
  hash.update(bytes(plan.userId));
  hash.update(bytes(plan.candidates));
  if (plan.intendedHit) hash.update(bytes(plan.intendedHit));
  return `sha256:${hash.digest('hex')}`;
}
