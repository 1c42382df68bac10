/** Writing results (reading them: ./read.ts): atomically (temp file in the same directory + rename), so a reader never sees half a file. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeJsonAtomic(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${process.pid}.${Date.now()}.results.tmp`);
  writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(temp, path);
}


/** results/<UTC timestamp>, e.g. results/2025-11-23T20-42-05Z */
export function defaultResultsDir(now: Date = new Date()): string {
  return join('results', now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-'));
}
