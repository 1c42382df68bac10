/**
 * Where measured limits are stored: $UGBENCH_CACHE_DIR, else $XDG_CACHE_HOME/ugbench, else
 * ~/.cache/ugbench; one file per fingerprint, limits-<fingerprint>.json. Measuring takes ~10 s,
 * so it happens once per machine and `ugbench limits --remeasure` refreshes it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LIMITS_SCHEMA_VERSION, type MachineLimits } from '../../harness/results/machine-limits.ts';

export function limitsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.UGBENCH_CACHE_DIR) return env.UGBENCH_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'ugbench');
  return path.join(os.homedir(), '.cache', 'ugbench');
}

export function limitsPath(fingerprint: string, dir = limitsCacheDir()): string {
  return path.join(dir, `limits-${fingerprint}.json`);
}

/** The cached limits for this fingerprint, or undefined when absent, unreadable or of another schema. */
export async function readCachedLimits(file: string): Promise<MachineLimits | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as MachineLimits;
    return parsed.schemaVersion === LIMITS_SCHEMA_VERSION ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export async function writeCachedLimits(file: string, limits: MachineLimits): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(limits, null, 2)}\n`);
}
