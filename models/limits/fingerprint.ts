/**
 * The machine fingerprint limits are cached under: a short hash of the facts that shape the
 * numbers. A different CPU (or SIMD flags), core count, memory size, OS, Node, ORT version or thread count means
 * a new measurement; anything else (uptime, load) does not.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import { readSimdFlags } from '../../harness/results/cpu-flags.ts';
import type { MachineLimits } from '../../harness/results/machine-limits.ts';

export type MachineSummary = MachineLimits['machine'];

/** Machine facts from systeminformation, falling back to node:os when it fails. */
export async function readMachineSummary(): Promise<MachineSummary> {
  const base: MachineSummary = {
    cpuBrand: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    physicalCores: os.availableParallelism(),
    memoryTotalBytes: os.totalmem(),
    platform: process.platform,
    arch: process.arch,
    node: process.version,
    gpus: [],
    cpuFlags: await readSimdFlags(),
  };
  try {
    const si = await import('systeminformation');
    const [cpu, mem, graphics] = await Promise.all([si.cpu(), si.mem(), si.graphics()]);
    return {
      ...base,
      cpuBrand: `${cpu.manufacturer} ${cpu.brand}`.trim(),
      cores: cpu.cores,
      physicalCores: cpu.physicalCores,
      memoryTotalBytes: mem.total,
      gpus: graphics.controllers.map((g) => `${g.vendor} ${g.model}`.trim()).filter((s) => s.length > 0),
    };
  } catch {
    return base;
  }
}

export function fingerprintOf(machine: MachineSummary, runtimeVersion: string, threads: number): string {
  const facts = [machine.cpuBrand, machine.cpuFlags ?? [], machine.cores, machine.physicalCores, machine.memoryTotalBytes, machine.platform, machine.arch, machine.node, runtimeVersion, threads];
  return createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 12);
}
