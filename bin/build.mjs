// `npm run build` (also run by `npm ci` as `prepare`): compile the TypeScript sources to
// JavaScript beside them (type checking is `npm run typecheck`'s job, so --noCheck), record the
// help text of every command, and stamp the build with the digest of the sources it compiled.
// Without TypeScript installed (npm ci --omit=dev) there is nothing to do: the CLI runs the
// sources through tsx.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCE_DIRS, STAMP_FILE, sourceDigest } from './compiled.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  process.exit(0);
}
const digest = sourceDigest(root); // before compiling: an edit during the build makes it stale
removeOrphans();
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noCheck'], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
const { commandHelpTexts } = await import('../cli/help-texts.js');
const help = await commandHelpTexts();
writeFileSync(join(root, STAMP_FILE), `${JSON.stringify({ sourceDigest: digest, emitted: emittedFiles(), help }, null, 1)}\n`);

/** The .js files this build wrote: one beside each .ts source. */
function emittedFiles() {
  return SOURCE_DIRS.flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts') && existsSync(join(root, dir, `${f.slice(0, -3)}.js`)))
      .map((f) => `${dir}/${f.slice(0, -3)}.js`),
  );
}

/** Delete what the previous build emitted for sources since moved or deleted. */
function removeOrphans() {
  let previous = [];
  try {
    previous = JSON.parse(readFileSync(join(root, STAMP_FILE), 'utf8')).emitted ?? [];
  } catch {
    return; // no previous build
  }
  for (const file of previous) if (!existsSync(join(root, `${file.slice(0, -3)}.ts`))) rmSync(join(root, file), { force: true });
}
