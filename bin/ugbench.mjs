#!/usr/bin/env node
// ugbench entry point. `npm ci` compiles the TypeScript sources to JavaScript beside them
// (`npm run build`, bin/build.mjs); while that build matches the sources, the CLI runs it
// directly. Otherwise (a source edited since, or no build because dev dependencies were omitted)
// it runs the sources through tsx: the same code, slower to start. UGBENCH_NO_BUILD=1 forces tsx.
import { fileURLToPath } from 'node:url';
import { currentBuild } from './compiled.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
let main;
if (!process.env.UGBENCH_NO_BUILD && currentBuild(root)) {
  ({ main } = await import('../cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv);
