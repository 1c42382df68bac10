/** Pick the executor the plan calls for. */
import type { ExecutorOptions, ExecutorRecord } from './executor.ts';
import { runClosedLoop } from './closed-loop.ts';
import { runOffline } from './offline.ts';
import { runOpenLoop } from './open-loop.ts';

export function runExecutor(options: ExecutorOptions): Promise<ExecutorRecord> {
  switch (options.plan.kind) {
    case 'open':
      return runOpenLoop(options);
    case 'closed':
      return runClosedLoop(options);
    case 'offline':
      return runOffline(options);
  }
}
