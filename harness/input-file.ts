/**
 * Opening files a user names (scenarios, request files, weights) without trusting them: only
 * regular files are read, so a FIFO cannot block the process and a directory is a clear message,
 * not an EISDIR stack; sizes are checked before anything is read whole.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { InputError } from './errors.ts';

/** "a directory", "a FIFO", ... for `got X` messages. */
export function fileKind(stat: Stats): string {
  if (stat.isFile()) return 'a regular file';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/**
 * Open a regular file for reading, or throw an InputError under `context`. The path is stat'ed
 * before it is opened (opening a FIFO for reading blocks until a writer appears) and opened with
 * O_NONBLOCK, then checked again on the descriptor, so a file swapped in between cannot block.
 */
export function openRegularFile(path: string, context: string, what: string): { fd: number; bytes: number } {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new InputError(context, [`file: expected a readable ${what}, got ${errorCode(error)}`]);
  }
  if (!stat.isFile()) throw new InputError(context, [`file: expected a regular file (${what}), got ${fileKind(stat)}`]);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new InputError(context, [`file: expected a readable ${what}, got ${errorCode(error)}`]);
  }
  const opened = fstatSync(fd);
  if (!opened.isFile()) {
    closeSync(fd);
    throw new InputError(context, [`file: expected a regular file (${what}), got ${fileKind(opened)}`]);
  }
  return { fd, bytes: opened.size };
}

/** A whole regular text file of at most `maxBytes`, or an InputError naming what is wrong. */
export function readRegularTextFile(path: string, context: string, what: string, maxBytes: number): string {
  const { fd, bytes } = openRegularFile(path, context, what);
  try {
    if (bytes > maxBytes) throw new InputError(context, [`file: expected at most ${maxBytes} bytes (${what}), got ${bytes}`]);
    return readFileSync(fd, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(context, [`file: expected a readable ${what}, got ${errorCode(error)}`]);
  } finally {
    closeSync(fd);
  }
}
