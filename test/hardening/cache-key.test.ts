/**
 * The cross-request user-state cache is keyed on the user id with its type and a fingerprint of
 * the user features (issue 21, item 8): a request whose features differ from the cached state's
 * misses (it used to be scored with the stale state), and 77 / "77" are two entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HrClock } from '../../harness/loadgen/clock.ts';
import { featuresFingerprint, userStateKey } from '../../models/cache/user-key.ts';
import { createInstancePool, type InstancePool } from '../../models/instances/pool.ts';
import { presetConfig } from '../../models/presets.ts';
import { userFeatures, groupFeatures } from '../../models/requests.ts';
import { createCachedScorer } from '../../models/sut/cached-scorer.ts';
import { VARIANTS } from '../../models/variants.ts';

const config = presetConfig('tiny');

describe('user-state cache key', () => {
  let pool: InstancePool;
  beforeAll(async () => {
    pool = await createInstancePool({ spec: { runtime: 'reference', variant: 'ugsep', weights: { config, seed: 2 }, weightVariants: VARIANTS, options: {} } });
  });
  afterAll(() => pool.close());

  it('misses when the features differ, hits when they match, and keeps 77 apart from "77"', async () => {
    const scorer = createCachedScorer<number | string>(pool, { limits: {}, clock: new HrClock() });
    const a = userFeatures(config, 1, 'a');
    const b = userFeatures(config, 1, 'b');
    const group = groupFeatures(config, 1, 'g', 3);
    const outcome = async (id: number | string, features: Float32Array) => {
      const o = await scorer.score(id, features.slice(), group.slice());
      if (!o.ok) throw new Error(o.error);
      return o;
    };
    const first = await outcome(77, a);
    expect(first.cacheHit).toBe(false);
    expect((await outcome(77, a)).cacheHit).toBe(true);
    const changed = await outcome(77, b);
    expect(changed.cacheHit).toBe(false); // stale state not reused
    const whole = await pool.run({ userFeatures: b.slice(), groupFeatures: group.slice(), place: (free) => ({ slot: free, order: { mode: 'whole' } }) });
    if (!whole.ok) throw new Error(whole.error);
    expect(Array.from(changed.scores)).toEqual(Array.from(whole.scores)); // scored with b's own state
    expect((await outcome('77', a)).cacheHit).toBe(false);
    expect(scorer.cache?.stats().entries).toBe(3);
  });

  it('fingerprints differ for one flipped bit, and the id type is part of the key', () => {
    const x = new Float32Array([1, 2, 3, 4]);
    const y = x.slice();
    new Uint32Array(y.buffer)[2]! ^= 1;
    expect(featuresFingerprint(x)).not.toBe(featuresFingerprint(y));
    expect(featuresFingerprint(x)).toBe(featuresFingerprint(x.slice()));
    expect(userStateKey(77, x)).not.toBe(userStateKey('77', x));
    expect(userStateKey(77, x)).toMatch(/^n:77:[0-9a-f]{16}$/);
  });
});
