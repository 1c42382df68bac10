// `npm run build` (also run by `npm ci` as `prepare`): compile the TypeScript sources to
// JavaScript beside them (type checking is `npm run typecheck`'s job, so --noCheck), record the
// help text of every command, and stamp the build with the sources it compiled and their digest
// (bin/compiled.mjs). Without TypeScript installed (npm ci --omit=dev) there is nothing to do:
// an existing build stays as it is, else the CLI runs the sources through tsx.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAMP_FILE, sourceDigest } from './compiled.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  process.exit(0);
}
const previous = readStamp();
const startedMs = Date.now();
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noCheck', '--listEmittedFiles'], { encoding: 'utf8' });
if (compiled.status !== 0) {
  process.stderr.write(compiled.stdout + compiled.stderr);
  process.exit(compiled.status ?? 1);
}
// `TSFILE: /abs/path/x.js` per emitted file; its source is x.ts beside it
const emitted = compiled.stdout
  .split('\n')
  .filter((l) => l.startsWith('TSFILE: ') && l.endsWith('.js'))
  .map((l) => relative(root, l.slice('TSFILE: '.length).trim()))
  .sort();
const sources = emitted.map((f) => `${f.slice(0, -3)}.ts`);
// what an earlier build emitted for sources since moved or deleted
for (const file of previous.emitted ?? []) if (!emitted.includes(file) && !existsSync(join(root, `${file.slice(0, -3)}.ts`))) rmSync(join(root, file), { force: true });
const { commandHelpTexts } = await import('../cli/help-texts.js');
const help = await commandHelpTexts();
// a source edited while tsc ran may be newer than its JavaScript: leave such a build unstamped
// (the CLI then runs the sources through tsx until the next build)
if (sources.some((f) => statSync(join(root, f)).mtimeMs >= startedMs)) process.exit(0);
const digest = sourceDigest(root, sources);
writeFileSync(join(root, STAMP_FILE), `${JSON.stringify({ sourceDigest: digest, sources, emitted, help }, null, 1)}\n`);

function readStamp() {
  try {
    return JSON.parse(readFileSync(join(root, STAMP_FILE), 'utf8'));
  } catch {
    return {};
  }
}
