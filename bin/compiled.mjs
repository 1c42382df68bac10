// Whether the JavaScript that `npm run build` wrote beside the TypeScript sources is current:
// the build records a digest of every source file it compiled (paths and contents, so a copy or
// a checkout that changes mtimes does not matter) and the CLI recomputes it at start (~30 ms).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The source folders tsconfig.build.json compiles. */
export const SOURCE_DIRS = ['cli', 'harness', 'models', 'reports', 'server', 'remote'];
export const STAMP_FILE = '.ugbench-build.json';

export function sourceDigest(root) {
  const hash = createHash('sha256');
  for (const dir of SOURCE_DIRS) {
    const files = readdirSync(join(root, dir), { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).sort();
    for (const file of files) {
      hash.update(`${dir}/${file}\0`);
      hash.update(readFileSync(join(root, dir, file)));
    }
  }
  return hash.digest('hex');
}

/** The build stamp when it matches the sources as they are now, else undefined. */
export function currentBuild(root) {
  const file = join(root, STAMP_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const stamp = JSON.parse(readFileSync(file, 'utf8'));
    return stamp.sourceDigest === sourceDigest(root) ? stamp : undefined;
  } catch {
    return undefined; // unreadable stamp: treat as not built
  }
}
