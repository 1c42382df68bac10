// Worker-thread entry of one model instance: a worker starts without the main thread's loader,
// so it registers tsx itself (as bin/ugbench.mjs does) before loading the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
