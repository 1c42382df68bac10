/**
 * A cross-request user-state cache: keyed by user id, least-recently-used eviction within a byte
 * budget and/or a user-count limit, optional time-to-live, on an injectable clock. It stores
 * opaque values with a size: it does not know what a user state is. Keys are the plan's
 * numeric user ids in-process, or the request's `user_id` string on the OIP server.
 *
 * Map iteration order is insertion order, so delete + set moves an entry to the most recent end
 * and the first key is always the least recently used: O(1) get, set and evict.
 */
import type { Clock } from '../../harness/loadgen/clock.ts';
import type { CacheCounters } from '../../harness/loadgen/sut.ts';

export interface CacheLimits {
  /** byte budget over the sizes of stored values; undefined = no byte limit */
  capacityBytes?: number;
  /** maximum entries; undefined = no count limit */
  capacityUsers?: number;
  /** entries older than this (since stored) are misses and are dropped; undefined = never expire */
  ttlUs?: number;
}

// The shape a SUT reports its cache in is the load generator's (harness/loadgen/sut.ts).
export type { CacheCounters };

interface Entry<V> {
  value: V;
  bytes: number;
  storedUs: number;
}

export class UserStateCache<V, K extends number | string = number> {
  private readonly entries = new Map<K, Entry<V>>();
  private bytes = 0;
  private readonly counters: Omit<CacheCounters, 'entries' | 'bytes'> = { hits: 0, misses: 0, evictions: 0, expirations: 0, rejected: 0, peakBytes: 0 };

  constructor(
    private readonly limits: CacheLimits,
    private readonly clock: Clock,
    /** called for values that leave the cache (to free native memory) */
    private readonly onRemove: (value: V) => void = () => {},
  ) {}

  /** The value for a user, refreshed as most recently used; undefined on a miss (counted). */
  get(userId: K): V | undefined {
    const entry = this.entries.get(userId);
    if (entry === undefined) {
      this.counters.misses++;
      return undefined;
    }
    if (this.limits.ttlUs !== undefined && this.clock.nowUs() - entry.storedUs > this.limits.ttlUs) {
      this.remove(userId, entry);
      this.counters.expirations++;
      this.counters.misses++;
      return undefined;
    }
    this.entries.delete(userId);
    this.entries.set(userId, entry);
    this.counters.hits++;
    return entry.value;
  }

  /** Store (or replace) a user's value, evicting least recently used entries to fit. */
  set(userId: K, value: V, bytes: number): void {
    const old = this.entries.get(userId);
    if (old !== undefined) this.remove(userId, old);
    if (this.limits.capacityBytes !== undefined && bytes > this.limits.capacityBytes) {
      this.counters.rejected++;
      this.onRemove(value);
      return;
    }
    while (this.entries.size > 0 && !this.fits(bytes)) {
      const [lruId, lru] = this.entries.entries().next().value as [K, Entry<V>];
      this.remove(lruId, lru);
      this.counters.evictions++;
    }
    if (this.limits.capacityUsers !== undefined && this.limits.capacityUsers < 1) {
      this.onRemove(value);
      return;
    }
    this.entries.set(userId, { value, bytes, storedUs: this.clock.nowUs() });
    this.bytes += bytes;
    if (this.bytes > this.counters.peakBytes) this.counters.peakBytes = this.bytes;
  }

  /**
   * Remove a user's entry without counting an eviction (its value was lost, e.g. with the model
   * instance that held it); with `value`, only while that value is still the stored one.
   */
  delete(userId: K, value?: V): boolean {
    const entry = this.entries.get(userId);
    if (entry === undefined || (value !== undefined && entry.value !== value)) return false;
    this.remove(userId, entry);
    return true;
  }

  has(userId: K): boolean {
    return this.entries.has(userId);
  }

  stats(): CacheCounters {
    return { ...this.counters, entries: this.entries.size, bytes: this.bytes };
  }

  /** Zero the hit/miss/eviction counters (after warm-up), keeping the entries. */
  resetCounters(): void {
    this.counters.hits = 0;
    this.counters.misses = 0;
    this.counters.evictions = 0;
    this.counters.expirations = 0;
    this.counters.rejected = 0;
    this.counters.peakBytes = this.bytes;
  }

  clear(): void {
    for (const [id, entry] of this.entries) this.remove(id, entry);
  }

  private fits(bytes: number): boolean {
    if (this.limits.capacityBytes !== undefined && this.bytes + bytes > this.limits.capacityBytes) return false;
    if (this.limits.capacityUsers !== undefined && this.entries.size + 1 > this.limits.capacityUsers) return false;
    return true;
  }

  private remove(userId: K, entry: Entry<V>): void {
    this.entries.delete(userId);
    this.bytes -= entry.bytes;
    this.onRemove(entry.value);
  }
}
