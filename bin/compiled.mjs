// Whether the JavaScript that `npm run build` wrote beside the TypeScript sources is current:
// the build records which sources it compiled and a digest of their paths and contents (so a
// copy or a checkout that changes mtimes does not matter); the CLI recomputes it at start
// (~30 ms). An edit, a deleted source, or a new file that a compiled source now imports (its
// importer changed) makes the build stale.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP_FILE = '.ugbench-build.json';

/** sha256 over the sources (paths relative to root, in the order given); undefined if one is gone. */
export function sourceDigest(root, sources) {
  const hash = createHash('sha256');
  for (const file of sources) {
    const path = join(root, file);
    if (!existsSync(path)) return undefined;
    hash.update(`${file}\0`);
    hash.update(readFileSync(path));
  }
  return hash.digest('hex');
}

/** The build stamp when it matches the sources as they are now, else undefined. */
export function currentBuild(root) {
  const file = join(root, STAMP_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const stamp = JSON.parse(readFileSync(file, 'utf8'));
    const digest = Array.isArray(stamp.sources) ? sourceDigest(root, stamp.sources) : undefined;
    return digest !== undefined && digest === stamp.sourceDigest ? stamp : undefined;
  } catch {
    return undefined; // unreadable stamp: treat as not built
  }
}
