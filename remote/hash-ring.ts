/**
 * Consistent hashing of user ids onto serving replicas, so each user keeps landing on the same
 * replica (its user-state cache stays warm) and removing one of n replicas moves only the users
 * that were on it, about 1/n of them. Each replica sits at `virtualNodes` points of a 32-bit ring.
 */
import { hashString } from '../harness/rng.ts';

export class HashRing {
  private readonly points: Uint32Array;
  private readonly owners: number[];

  constructor(
    readonly replicas: readonly string[],
    virtualNodes = 160,
  ) {
    if (replicas.length === 0) throw new Error('HashRing needs at least one replica');
    const entries: Array<[number, number]> = [];
    replicas.forEach((replica, r) => {
      for (let v = 0; v < virtualNodes; v++) entries.push([mix32(hashString(`${replica}#${v}`)), r]);
    });
    entries.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.points = Uint32Array.from(entries, (e) => e[0]);
    this.owners = entries.map((e) => e[1]);
  }

  /** Index into `replicas` of the replica that owns this key. */
  route(key: string | number): number {
    const h = mix32(hashString(String(key)));
    // first point >= h, wrapping around
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.points[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return this.owners[lo === this.points.length ? 0 : lo]!;
  }
}

/** murmur3's finalizer: FNV-1a alone clusters similar strings ("user-1", "user-2") on the ring. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
