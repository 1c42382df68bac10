/** Writing results: atomically (temp file in the same directory + rename), so a reader never sees half a file. */
import { mkdirSync, renameSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.ts';
import { RESULTS_SCHEMA_VERSION, type BenchResults } from './contract.ts';

export function writeJsonAtomic(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${process.pid}.${Date.now()}.results.tmp`);
  writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(temp, path);
}

/** Read a results file, checking it is one and of a version this code understands. */
export function readResults(path: string): BenchResults {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(`results ${path}`, [`file: expected a readable results JSON file, got ${(error as Error).message}`]);
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== RESULTS_SCHEMA_VERSION) {
    throw new InputError(`results ${path}`, [`schemaVersion: expected ${RESULTS_SCHEMA_VERSION}, got ${JSON.stringify(version)}`]);
  }
  return data as BenchResults;
}

/** results/<UTC timestamp>, e.g. results/2025-11-23T20-42-05Z */
export function defaultResultsDir(now: Date = new Date()): string {
  return join('results', now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-'));
}
