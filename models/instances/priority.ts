/**
 * Compute threads yield to the load generator. On 2 cores, an instance's intra-op threads keep
 * both busy while a request computes; at equal priority the thread that issues the next request
 * (the load generator's, or the HTTP server's) waits for a scheduler slice to wake, and that wait
 * is issue lateness. Lowering the instance thread's nice value before its runtime is built lowers
 * every thread the runtime then creates (on Linux, nice is per thread and inherited by new
 * threads), so the issuing thread preempts compute when it wakes. Lowering one's own priority
 * needs no privilege. On an otherwise idle machine it costs compute nothing.
 */
import { getPriority, setPriority } from 'node:os';

/** nice value of model-instance threads (0 = normal, 19 = lowest) */
export const COMPUTE_THREAD_NICE = 10;

/** What this thread's priority is after trying to lower it, read back (what actually applies). */
export interface ThreadPriority {
  /** absent when the platform cannot say */
  nice?: number;
  /** why the nice value could not be set, when it could not */
  unchangedReason?: string;
}

/** Lower the calling thread (pid 0 = this thread on Linux) to `nice`; never raise it. */
export function lowerThisThreadPriority(nice = COMPUTE_THREAD_NICE): ThreadPriority {
  try {
    if (getPriority(0) < nice) setPriority(0, nice);
    return { nice: getPriority(0) };
  } catch (error) {
    // e.g. a platform without per-thread priorities: report and go on at the inherited one
    const unchangedReason = error instanceof Error ? error.message : String(error);
    try {
      return { nice: getPriority(0), unchangedReason };
    } catch {
      return { unchangedReason };
    }
  }
}
