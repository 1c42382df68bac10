/**
 * Compute threads yield to the load generator. On 2 cores, an instance's intra-op threads keep
 * both busy while a request computes, and the thread that issues the next request (the load
 * generator's, or the HTTP server's) has to wake up on a core they occupy. Its lateness is issue
 * lateness.
 *
 * A lower nice value is not enough. Linux's EEVDF scheduler gives a low-weight thread its slice
 * less often, but the slice is still whole, about 3 ms. So a waking generator still waits a full
 * slice now and then. Measured on 2 vCPUs with two spinning threads, over 400 Poisson wake-ups:
 * 27% were more than 1 ms late at nice 0, 4% at nice 10, 1.75% at nice 19, and 1% under
 * SCHED_IDLE. An idle machine gives 0.5–1%: that floor is the VM. The kernel preempts a
 * SCHED_IDLE thread as soon as any normal thread wakes on its core.
 *
 * So the instance's worker thread puts itself under SCHED_IDLE before its runtime exists.
 * Threads created afterwards inherit the policy: onnxruntime's intra-op pool and TF.js's. Node
 * has no binding for sched_setscheduler, so util-linux's `chrt` applies it to this thread's id.
 * Any thread may lower itself to SCHED_IDLE without privilege. Where that cannot be done (no
 * chrt, not Linux), the thread falls back to nice 19 and says why. On an otherwise idle machine
 * neither costs compute anything.
 */
import { getPriority, setPriority } from 'node:os';
import { chrtThisThread, errorText, threadPolicy } from '../../harness/loadgen/thread-policy.ts';

/**
 * How model-instance threads are scheduled against the issuing thread:
 * - 'idle' (default): SCHED_IDLE, preempted at once by any normal thread (falls back to 'low').
 * - 'low': nice 19.
 * - 'normal': as the process was started (for comparison runs).
 */
export type ComputePriority = 'idle' | 'low' | 'normal';
export const DEFAULT_COMPUTE_PRIORITY: ComputePriority = 'idle';

/** nice value of model-instance threads under 'low' (0 = normal, 19 = lowest) */
export const COMPUTE_THREAD_NICE = 19;

/** What this thread's scheduling is after trying to lower it, read back (what actually applies). */
export interface ThreadPriority {
  /** scheduling policy read back from /proc ('SCHED_IDLE', 'SCHED_OTHER', ...); absent when unreadable */
  policy?: string;
  /** nice value read back; absent when the platform cannot say */
  nice?: number;
  /** why the requested priority did not apply, when it did not */
  unchangedReason?: string;
}

function readNice(): number | undefined {
  try {
    return getPriority(0);
  } catch {
    return undefined;
  }
}

/** SCHED_IDLE for the calling thread; the reason it could not be set, or undefined when it was. */
function enterSchedIdle(): string | undefined {
  const failed = chrtThisThread(['--idle'], 0);
  if (failed !== undefined) return `${failed}; util-linux's chrt sets SCHED_IDLE`;
  return threadPolicy() === 'SCHED_IDLE' ? undefined : `chrt ran but the thread's policy reads ${threadPolicy() ?? 'unknown'}`;
}

/** Lower the calling thread (pid 0 = this thread on Linux) to nice `nice`; never raise it. */
function lowerNice(nice: number): string | undefined {
  try {
    if (getPriority(0) < nice) setPriority(0, nice);
    return undefined;
  } catch (error) {
    // e.g. a platform without per-thread priorities: report and go on at the inherited one
    return errorText(error);
  }
}

/** Put the calling thread at `want`, and read back what applies. */
export function lowerThisThreadPriority(want: ComputePriority = DEFAULT_COMPUTE_PRIORITY): ThreadPriority {
  const reasons: string[] = [];
  if (want === 'idle') {
    const idleReason = enterSchedIdle();
    if (idleReason !== undefined) reasons.push(`${idleReason}; fell back to nice ${COMPUTE_THREAD_NICE}`);
  }
  if (want === 'low' || (want === 'idle' && reasons.length > 0)) {
    const niceReason = lowerNice(COMPUTE_THREAD_NICE);
    if (niceReason !== undefined) reasons.push(`nice ${COMPUTE_THREAD_NICE} not set: ${niceReason}`);
  }
  const policy = threadPolicy();
  const nice = readNice();
  return { ...(policy === undefined ? {} : { policy }), ...(nice === undefined ? {} : { nice }), ...(reasons.length > 0 ? { unchangedReason: reasons.join('; ') } : {}) };
}

/** The facts for RuntimeInfo.details. */
export function priorityDetails(want: ComputePriority, got: ThreadPriority): Record<string, string | number> {
  return {
    computePriority: want,
    ...(got.policy === undefined ? {} : { computeThreadPolicy: got.policy }),
    ...(got.nice === undefined ? {} : { computeThreadNice: got.nice }),
    ...(got.unchangedReason === undefined ? {} : { computePriorityUnchanged: got.unchangedReason }),
  };
}
