/**
 * The open loop's issuing thread under SCHED_FIFO while it measures. Model instances already run
 * under SCHED_IDLE (models/instances/priority.ts), but the process has other normal threads (V8's
 * garbage-collector helpers, libuv's pool, the instances' own JavaScript threads), and a waking
 * normal thread waits for the one on its core to end its slice: 2-4 ms on a 250 Hz kernel. A
 * real-time thread preempts every normal one at once. Measured in a default bench on 2 vCPUs:
 * the issuing thread's run-queue wait fell from 10-40 ms to 0.1-0.2 ms per 20 s window.
 *
 * Priority 1, the lowest real-time one, with reset-on-fork so threads created meanwhile (a
 * replaced instance, libuv's pool on first use) start normal. The kernel's real-time throttling
 * (95% of each second by default) still leaves the other threads time should the issuer spin.
 * Raising needs CAP_SYS_NICE or an RLIMIT_RTPRIO above 0 (root in a container has it); without
 * it the thread stays as it was and the results say why. The policy is restored after the run.
 */
import { chrtThisThread, threadPolicy } from './thread-policy.ts';

/**
 * - 'realtime' (default): SCHED_FIFO priority 1 during open-loop runs, where permitted.
 * - 'normal': as the process was started (comparison runs).
 */
export const ISSUER_PRIORITIES = ['realtime', 'normal'] as const;
export type IssuerPriority = (typeof ISSUER_PRIORITIES)[number];
export const DEFAULT_ISSUER_PRIORITY: IssuerPriority = 'realtime';

/** What the issuing thread ran under (RunResult.issuingThread). */
export interface IssuerPolicyFacts {
  /** policy read back from /proc during the run; absent where unreadable */
  policy?: string;
  /** why the requested priority did not apply */
  policyUnchanged?: string;
}

export interface RaisedIssuer {
  facts: IssuerPolicyFacts;
  restore(): void;
}

export function raiseIssuingThread(want: IssuerPriority): RaisedIssuer {
  const before = threadPolicy();
  const failed = want === 'realtime' ? chrtThisThread(['--fifo', '--reset-on-fork'], 1) : undefined;
  const policy = threadPolicy();
  const changed = want === 'realtime' && failed === undefined;
  const facts: IssuerPolicyFacts = {
    ...(policy === undefined ? {} : { policy }),
    ...(failed === undefined ? {} : { policyUnchanged: `${failed}; SCHED_FIFO needs CAP_SYS_NICE or RLIMIT_RTPRIO >= 1, so the issuer ran as started` }),
  };
  return {
    facts,
    restore: () => {
      // back to normal; a process started under another policy is not restored to it (chrt would need its parameters)
      if (changed && before === 'SCHED_OTHER') chrtThisThread(['--other'], 0);
    },
  };
}
