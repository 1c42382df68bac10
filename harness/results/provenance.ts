/**
 * Where a result came from: git commit, package versions, machine facts. Read once, before any
 * timing (systeminformation spawns processes and reads /proc: never during a measured window).
 */
import { readSimdFlags, simdFlagsOf } from './cpu-flags.ts';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { MachineFacts } from './contract.ts';

export function gitFacts(cwd: string): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

/** Versions of node and of the named packages installed under root/node_modules (absent ones skipped). */
export function packageVersions(root: string, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = { node: process.version };
  for (const name of names) {
    try {
      const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string };
      if (pkg.version) out[name] = pkg.version;
    } catch {
      // not installed: optional runtime
    }
  }
  return out;
}

export async function machineFacts(): Promise<MachineFacts> {
  const base: MachineFacts = {
    cpu: { manufacturer: '', brand: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, physicalCores: os.cpus().length, speedGHz: (os.cpus()[0]?.speed ?? 0) / 1000, flags: '', simdFlags: await readSimdFlags() },
    memory: { totalBytes: os.totalmem() },
    os: { platform: os.platform(), distro: '', release: os.release(), arch: os.arch(), kernel: os.release() },
    gpus: [],
    node: process.version,
    degraded: true,
  };
  try {
    const si = await import('systeminformation');
    const [cpu, flags, mem, osInfo, graphics] = await Promise.all([
      si.cpu(),
      si.cpuFlags().catch(() => ''),
      si.mem(),
      si.osInfo(),
      withTimeout(si.graphics(), 5000).catch(() => ({ controllers: [] as { vendor: string; model: string; vram: number | null }[] })),
    ]);
    return {
      cpu: { manufacturer: cpu.manufacturer, brand: cpu.brand, cores: cpu.cores, physicalCores: cpu.physicalCores, speedGHz: cpu.speed, flags, simdFlags: flags ? simdFlagsOf(flags) : base.cpu.simdFlags ?? [] },
      memory: { totalBytes: mem.total },
      os: { platform: osInfo.platform, distro: `${osInfo.distro} ${osInfo.release}`.trim(), release: osInfo.release, arch: osInfo.arch, kernel: osInfo.kernel },
      gpus: graphics.controllers.map((g) => ({ vendor: g.vendor, model: g.model, vramMB: g.vram ?? null })),
      node: process.version,
      degraded: false,
    };
  } catch {
    return base;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}
