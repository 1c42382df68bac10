/** sha256 (hex) of a file's bytes: the checksum results carry for a user's weights file. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
