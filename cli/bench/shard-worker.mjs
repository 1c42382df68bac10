// Worker-thread entry for `ugbench bench --workers K`: a worker starts without the main thread's
// loader, so it registers tsx itself (as bin/ugbench.mjs does) before loading the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./shard-worker.ts');
