/**
 * The bandwidth probe's matrix must not fit in the last-level cache, or the roofline's slope is a
 * cache figure: its size follows the LLC the kernel reports (sysfs), within bounds.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastLevelCacheBytes, matrixBytesFor } from '../../../models/limits/ort-bandwidth.ts';
import { rooflineFloorUs } from '../../../models/limits/roofline.ts';
import { bandwidthForWorkingSet } from '../../../harness/results/machine-limits.ts';

const MIB = 2 ** 20;

function fakeSysfs(caches: { level: number; size: string }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ugbench-llc-'));
  caches.forEach((c, i) => {
    mkdirSync(join(dir, `index${i}`));
    writeFileSync(join(dir, `index${i}`, 'level'), `${c.level}\n`);
    writeFileSync(join(dir, `index${i}`, 'size'), `${c.size}\n`);
  });
  return dir;
}

describe('bandwidth matrix size from the last-level cache', () => {
  it('reads the highest cache level (a 480 MiB L3 over 2 MiB L2 and 48K L1)', () => {
    const dir = fakeSysfs([{ level: 1, size: '48K' }, { level: 1, size: '64K' }, { level: 2, size: '2048K' }, { level: 3, size: '491520K' }]);
    expect(lastLevelCacheBytes(dir)).toBe(480 * MIB);
  });

  it('is undefined without sysfs', () => {
    expect(lastLevelCacheBytes(join(tmpdir(), 'no-such-cache-dir'))).toBeUndefined();
  });

  it('takes 4x the LLC, at least 256 MiB and at most 2 GiB', () => {
    expect(matrixBytesFor(32 * MIB)).toBe(256 * MIB); // a desktop L3: the old default
    expect(matrixBytesFor(96 * MIB)).toBe(384 * MIB);
    expect(matrixBytesFor(480 * MIB)).toBe(1920 * MIB); // would have streamed from L3 at 256 MiB
    expect(matrixBytesFor(1024 * MIB)).toBe(2048 * MIB);
    expect(matrixBytesFor(undefined)).toBe(256 * MIB);
  });
});

describe('bandwidth for a working set (the roofline slope a request is floored by)', () => {
  const curve = [
    { bytes: 8 * MIB, gbPerS: 40 },
    { bytes: 32 * MIB, gbPerS: 46 },
    { bytes: 128 * MIB, gbPerS: 28 },
    { bytes: 1920 * MIB, gbPerS: 15 },
  ];
  it('takes the largest matrix no larger than the working set', () => {
    expect(bandwidthForWorkingSet(curve, 68e6, 15)).toBe(46); // a 68 MB model: streams like 32 MiB at best
    expect(bandwidthForWorkingSet(curve, 500 * MIB, 15)).toBe(28);
    expect(bandwidthForWorkingSet(curve, 4096 * MIB, 15)).toBe(15); // beyond the caches: memory
    expect(bandwidthForWorkingSet(curve, 1920 * MIB, 15)).toBe(15);
  });
  it('below every matrix: the best figure measured; without a curve: the fallback', () => {
    expect(bandwidthForWorkingSet(curve, 1 * MIB, 15)).toBe(46);
    expect(bandwidthForWorkingSet([], 68e6, 15)).toBe(15);
  });
  it('the roofline floor of a request whose weights fit in a cache uses the faster figure', () => {
    const gemms = [{ M: 1, K: 1024, Nout: 1024, bytesPerWeight: 4, int8Compute: false, count: 16 }]; // 64 MiB of weights
    const memoryOnly = rooflineFloorUs(gemms, { peakGflopPerS: 1000, peakGBPerS: 15 });
    const withCurve = rooflineFloorUs(gemms, { peakGflopPerS: 1000, peakGBPerS: 15, bandwidthCurve: curve });
    console.log(`floor at 15 GB/s ${memoryOnly.toFixed(0)} us, with the curve (32 MiB point, 46 GB/s) ${withCurve.toFixed(0)} us`);
    expect(memoryOnly / withCurve).toBeCloseTo(46 / 15, 2);
  });
});
