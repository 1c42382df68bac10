import { describe, expect, it } from 'vitest';
import { HashRing } from '../../remote/hash-ring.ts';

describe('consistent hashing of users onto replicas', () => {
  const replicas = ['http://10.0.0.1:8000', 'http://10.0.0.2:8000', 'http://10.0.0.3:8000', 'http://10.0.0.4:8000'];
  const users = Array.from({ length: 20_000 }, (_, i) => i);

  it('spreads users roughly evenly and routes each user the same way every time', () => {
    const ring = new HashRing(replicas);
    const counts = new Array(replicas.length).fill(0);
    for (const u of users) counts[ring.route(u)]++;
    console.log(`users per replica: ${counts.join(', ')}`);
    for (const c of counts) expect(Math.abs(c / users.length - 0.25)).toBeLessThan(0.05);
    const again = new HashRing(replicas);
    for (const u of users.slice(0, 500)) expect(again.route(u)).toBe(ring.route(u));
  });

  it('removing one of n replicas moves only its own users, about 1/n of them', () => {
    const full = new HashRing(replicas);
    const fewer = new HashRing(replicas.filter((_, i) => i !== 2));
    let moved = 0;
    for (const u of users) {
      const before = replicas[full.route(u)]!;
      const after = fewer.replicas[fewer.route(u)]!;
      if (before !== after) {
        moved++;
        expect(before).toBe(replicas[2]); // only users of the removed replica move
      }
    }
    console.log(`moved ${((moved / users.length) * 100).toFixed(1)}% of users after removing 1 of 4 replicas`);
    expect(Math.abs(moved / users.length - 0.25)).toBeLessThan(0.05);
  });
});
