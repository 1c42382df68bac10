#!/usr/bin/env node
// ugbench entry point: registers the TypeScript loader (tsx) and runs the CLI.
// No build step: the sources under cli/, harness/, models/, reports/ run as they are.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
