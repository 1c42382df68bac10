/** Pick the executor the plan calls for. */
import type { ExecutorOptions, ExecutorRecord } from './executor.ts';
import { runClosedLoop } from './closed-loop.ts';
import { runOffline } from './offline.ts';
import { runOpenLoop } from './open-loop.ts';
import { candidateBuckets, measuredCandidates } from '../candidate-buckets.ts';

export function runExecutor(given: ExecutorOptions): Promise<ExecutorRecord> {
  const options = { ...given, candidateBuckets: given.candidateBuckets ?? candidateBuckets(measuredCandidates(given.plan)) };
  switch (options.plan.kind) {
    case 'open':
      return runOpenLoop(options);
    case 'closed':
      return runClosedLoop(options);
    case 'offline':
      return runOffline(options);
  }
}
