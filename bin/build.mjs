// `npm run build` (also run by `npm ci` as `prepare`): compile the TypeScript sources to
// JavaScript beside them (type checking is `npm run typecheck`'s job, so --noCheck), record the
// help text of every command, and stamp the build with the digest of the sources it compiled.
// Without TypeScript installed (npm ci --omit=dev) there is nothing to do: the CLI runs the
// sources through tsx.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAMP_FILE, sourceDigest } from './compiled.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  process.exit(0);
}
const digest = sourceDigest(root); // before compiling: an edit during the build makes it stale
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noCheck'], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
const { commandHelpTexts } = await import('../cli/help-texts.js');
const help = await commandHelpTexts();
writeFileSync(join(root, STAMP_FILE), `${JSON.stringify({ sourceDigest: digest, help }, null, 1)}\n`);
