/**
 * Where measured limits are stored: $UGBENCH_CACHE_DIR, else $XDG_CACHE_HOME/ugbench, else
 * ~/.cache/ugbench; one file per fingerprint, limits-<fingerprint>.json. Measuring takes ~10 s,
 * so it happens once per machine and `ugbench limits --remeasure` refreshes it.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../harness/temp-file.ts';
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

/**
 * Where a calibrated int8 kernel plan is kept: beside the limits of the same fingerprint, one file
 * per model (`modelKey`: a hash of the weights, the accuracy bound and what was calibrated).
 */
export function kernelPlanPath(fingerprint: string, modelKey: string, dir = limitsCacheDir()): string {
  return path.join(dir, `kernels-${fingerprint}-${modelKey}.json`);
}

/** The cached limits for this fingerprint, or undefined when absent, unreadable or of another schema. */
export async function readCachedLimits(file: string): Promise<MachineLimits | undefined> {
  const parsed = await readCachedJson<MachineLimits>(file);
  // Limits from before the bandwidth was measured through ORT would put runs above the roof.
  const ortBandwidth = parsed?.bandwidth.measurements.some((m) => m.kernel === 'ort-matvec');
  return parsed?.schemaVersion === LIMITS_SCHEMA_VERSION && ortBandwidth ? parsed : undefined;
}

export function writeCachedLimits(file: string, limits: MachineLimits): Promise<void> {
  return writeCachedJson(file, limits);
}

/** A cached JSON file, or undefined when absent or unreadable (the caller checks its schema). */
export async function readCachedJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Written to an exclusive temp file and renamed, so a reader never sees half a file. */
export async function writeCachedJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
