/**
 * The CPU's SIMD flags that int8 and fp32 kernels dispatch on (AVX2, FMA, F16C, AVX-512
 * subsets, VNNI in its AVX-512 and AVX forms, AMX): the same int8 kernel is a different kernel on
 * a CPU with VNNI than on one without, in speed and in error (AVX2 int8 dot products saturate).
 */
import { readFile } from 'node:fs/promises';

const RELEVANT = /^(avx2|fma|f16c|avx512\w*|avx_vnni\w*|avxvnni\w*|amx\w*)$/;

/** Sorted relevant flags from a whitespace-separated flag list (/proc/cpuinfo, systeminformation). */
export function simdFlagsOf(flags: string): string[] {
  return [...new Set(flags.toLowerCase().split(/\s+/).filter((f) => RELEVANT.test(f)))].sort();
}

/** Flags of this CPU: /proc/cpuinfo on Linux, else systeminformation; [] when neither answers. */
export async function readSimdFlags(): Promise<string[]> {
  try {
    const cpuinfo = await readFile('/proc/cpuinfo', 'utf8');
    const line = /^flags\s*:(.*)$/m.exec(cpuinfo);
    if (line?.[1]) return simdFlagsOf(line[1]);
  } catch {
    // not Linux: ask systeminformation
  }
  try {
    const si = await import('systeminformation');
    return simdFlagsOf(await si.cpuFlags());
  } catch {
    return [];
  }
}
