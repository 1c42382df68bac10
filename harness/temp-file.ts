/**
 * Temp files for atomic writes (write beside the target, then rename over it). The name carries
 * random bytes and the file is created with O_CREAT | O_EXCL ('wx'): creation fails rather than
 * follow a symlink or reuse a file someone planted under a predictable name.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Create a fresh temp file in the target's directory; the caller writes, then `commitTemp`s. */
export function openTempBeside(path: string): { fd: number; tempPath: string } {
  const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  return { fd: openSync(tempPath, 'wx', 0o644), tempPath };
}

/** Write a whole file atomically: readers see the old file or the new one, never half of it. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const { fd, tempPath } = openTempBeside(path);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    closeSync(fd);
    renameSync(tempPath, path);
  } catch (error) {
    abandonTemp(fd, tempPath);
    throw error;
  }
}

/** Close (if still open) and delete a temp file after a failed write. */
export function abandonTemp(fd: number, tempPath: string): void {
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
  rmSync(tempPath, { force: true });
}
