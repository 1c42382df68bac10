/** Writing results (reading them: ./read.ts): atomically (temp file in the same directory + rename), so a reader never sees half a file. */
import { mkdirSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { writeFileAtomic } from '../temp-file.ts';
import { dirname, join } from 'node:path';

export function writeJsonAtomic(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, `${JSON.stringify(data, null, 2)}\n`);
}


/** results/<UTC timestamp>, e.g. results/2025-11-23T20-42-05Z */
export function defaultResultsDir(now: Date = new Date()): string {
  return join('results', now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-'));
}

/** Tries before giving up on a unique directory name (a second bench in the same second gets -2). */
const MAX_DIR_SUFFIX = 1000;

/**
 * Create the default results directory now, exclusively: results/<UTC timestamp>, or with -2,
 * -3, ... when another run already took that name (two benches started in the same second).
 * mkdir without `recursive` fails with EEXIST atomically, so two processes never share one.
 */
export function claimResultsDir(now: Date = new Date()): string {
  const base = defaultResultsDir(now);
  mkdirSync(dirname(base), { recursive: true });
  for (let n = 1; n <= MAX_DIR_SUFFIX; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new InputError('--out', [`--out: expected a free results directory name, got ${MAX_DIR_SUFFIX} taken names under ${base}; pass --out`]);
}
