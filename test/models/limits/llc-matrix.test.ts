/**
 * The bandwidth probe's matrix must not fit in the last-level cache, or the roofline's slope is a
 * cache figure: its size follows the LLC the kernel reports (sysfs), within bounds.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastLevelCacheBytes, matrixBytesFor } from '../../../models/limits/ort-bandwidth.ts';

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
