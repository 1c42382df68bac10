/**
 * Per-thread scheduling policy on Linux: read back from /proc, set with util-linux's `chrt` (Node
 * has no binding for sched_setscheduler). The two users: model-instance threads lower themselves
 * (models/instances/priority.ts) and the open loop's issuing thread raises itself
 * (issuer-priority.ts). What applies is always read back, never assumed from the call.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';

/** Linux scheduling policy numbers (sched.h) and their names. */
const POLICY_NAMES: Record<number, string> = { 0: 'SCHED_OTHER', 1: 'SCHED_FIFO', 2: 'SCHED_RR', 3: 'SCHED_BATCH', 5: 'SCHED_IDLE', 6: 'SCHED_DEADLINE' };

/** Policy of one thread from its /proc stat line (field 41), or undefined off Linux. */
export function threadPolicy(statPath = '/proc/thread-self/stat'): string | undefined {
  try {
    const stat = readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    const policy = Number(fields[41 - 3]);
    return POLICY_NAMES[policy] ?? `policy ${policy}`;
  } catch {
    return undefined;
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/**
 * Run `chrt <args> --pid <priority> <this thread's id>`; the reason it failed, or undefined.
 * `chrt` reports EPERM in its message, which is kept in the reason.
 */
export function chrtThisThread(args: readonly string[], priority: number): string | undefined {
  let tid: string;
  try {
    tid = readlinkSync('/proc/thread-self').split('/').pop()!; // "<pid>/task/<tid>"
  } catch {
    return 'no /proc/thread-self (not Linux): a thread policy cannot be set';
  }
  try {
    execFileSync('chrt', [...args, '--pid', String(priority), tid], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    return undefined;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `chrt ${args.join(' ')} failed (${stderr ? stderr.split('\n')[0] : errorText(error)})`;
  }
}
