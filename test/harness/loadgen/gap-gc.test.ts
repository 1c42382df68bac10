/**
 * The generator collects its young garbage before long sleeps (harness/loadgen/gap-gc.ts): only
 * when the gap is long enough and the young generation at least half full, and the collection
 * really empties it (read back from V8's heap statistics, not trusted from the call).
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { GAP_GC_FILL_FRACTION, GAP_GC_MIN_GAP_US, GapCollector } from '../../../harness/loadgen/gap-gc.ts';

function youngUsedBytes(): { used: number; limit: number } {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!;
  return { used: space.space_used_size, limit: space.space_used_size + space.space_available_size };
}

/** Allocate short-lived objects until the young generation is past `fraction` full (V8 may scavenge on the way). */
function fillYoung(fraction: number): void {
  let keep: object[] = [];
  for (;;) {
    for (let i = 0; i < 10_000; i++) keep.push({ i });
    keep = [];
    const { used, limit } = youngUsedBytes();
    if (used / limit > fraction) return;
  }
}

describe('gap garbage collection', () => {
  const collector = new GapCollector();

  it('reaches V8\'s gc without a command-line flag', () => {
    expect(collector.unavailableReason).toBeUndefined();
  });

  it.skipIf(collector.unavailableReason !== undefined)('collects before a long sleep with a half-full young generation, and empties it', () => {
    fillYoung(GAP_GC_FILL_FRACTION + 0.1);
    const before = youngUsedBytes();
    collector.beforeSleep(GAP_GC_MIN_GAP_US);
    const after = youngUsedBytes();
    console.log(`young generation ${(before.used / 2 ** 20).toFixed(1)} -> ${(after.used / 2 ** 20).toFixed(1)} MiB of ${(before.limit / 2 ** 20).toFixed(1)} MiB`);
    expect(collector.collections).toBe(1);
    expect(after.used / after.limit).toBeLessThan(GAP_GC_FILL_FRACTION / 2);
  });

  it.skipIf(collector.unavailableReason !== undefined)('leaves a short gap alone, and a young generation not yet half full', () => {
    const start = collector.collections;
    fillYoung(GAP_GC_FILL_FRACTION + 0.1);
    collector.beforeSleep(GAP_GC_MIN_GAP_US - 1); // too short: a scavenge could reach the arrival
    expect(collector.collections).toBe(start);
    collector.beforeSleep(GAP_GC_MIN_GAP_US); // now it collects
    collector.beforeSleep(GAP_GC_MIN_GAP_US); // nearly empty: nothing to move
    expect(collector.collections).toBe(start + 1);
  });

  it('disabled: never collects, and says so', () => {
    const off = new GapCollector(false);
    fillYoung(GAP_GC_FILL_FRACTION + 0.1);
    off.beforeSleep(GAP_GC_MIN_GAP_US * 10);
    expect(off.collections).toBe(0);
    expect(off.unavailableReason).toBe('disabled');
  });
});
