/**
 * Model-instance threads run below the load generator's priority (see models/instances/priority.ts):
 * the worker lowers itself before its runtime exists, so the intra-op threads onnxruntime creates
 * inherit the lower priority, and the thread that issues requests keeps its own. Read back from
 * the kernel (/proc, per thread) rather than trusted from the call.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createInstancePool } from '../../../models/instances/pool.ts';
import { COMPUTE_THREAD_NICE, type ComputePriority } from '../../../models/instances/priority.ts';
import { threadPolicy } from '../../../harness/loadgen/thread-policy.ts';
import { presetConfig } from '../../../models/presets.ts';
import { runtimeUnavailableReason } from '../../../models/runtimes/registry.ts';
import { VARIANTS } from '../../../models/variants.ts';
import { commandMissing } from '../../fixtures/command-missing.ts';

const TASKS = '/proc/self/task';
interface ThreadSched {
  nice: number;
  policy: string;
}
/** nice (field 19) and policy (field 41) of every thread of this process, from /proc */
function threads(): ThreadSched[] {
  return readdirSync(TASKS).flatMap((tid) => {
    try {
      const stat = readFileSync(`${TASKS}/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
      return [{ nice: Number(fields[16]), policy: threadPolicy(`${TASKS}/${tid}/stat`) ?? '?' }];
    } catch {
      return []; // the thread ended while we listed
    }
  });
}


const ortMissing = await runtimeUnavailableReason('ort-cpu');
const noProc = existsSync(TASKS) ? undefined : `${TASKS} does not exist here (not Linux): per-thread scheduling cannot be read back`;
const noChrt = noProc ?? commandMissing('chrt', 'util-linux chrt is not installed here: SCHED_IDLE cannot be set, the instance falls back to nice');

/** Start a 2-thread ort-cpu instance at `priority`; count the threads that match `pick` it added. */
async function withInstance(priority: ComputePriority, pick: (t: ThreadSched) => boolean, check: (added: number, details: Record<string, unknown>) => void): Promise<void> {
  const mainNice = getPriority(0);
  const mainPolicy = threadPolicy();
  const before = threads().filter(pick).length;
  const pool = await createInstancePool({ spec: { runtime: 'ort-cpu', variant: 'ugsep', weights: { config: presetConfig('tiny'), seed: 1 }, weightVariants: VARIANTS, options: { threads: 2 }, computePriority: priority }, instances: 1 });
  try {
    const added = threads().filter(pick).length - before;
    console.log(`${priority}: ${added} matching threads added by the instance; reported ${JSON.stringify(pool.info.details)}`);
    check(added, pool.info.details);
    // the issuing thread keeps its own scheduling
    expect(getPriority(0)).toBe(mainNice);
    expect(threadPolicy()).toBe(mainPolicy);
  } finally {
    await pool.close();
  }
}

describe('model-instance thread priority', () => {
  it.skipIf(ortMissing !== undefined || noChrt !== undefined)('idle (the default): the worker and onnxruntime\'s intra-op thread run under SCHED_IDLE, read back per thread', async () => {
    await withInstance('idle', (t) => t.policy === 'SCHED_IDLE', (added, details) => {
      expect(details.computeThreadPolicy).toBe('SCHED_IDLE');
      expect(details.computePriorityUnchanged).toBeUndefined();
      // the worker thread itself and onnxruntime's second intra-op thread (at least)
      expect(added).toBeGreaterThanOrEqual(2);
    });
  }, 60_000);

  it.skipIf(ortMissing !== undefined || noProc !== undefined)(`low: the instance's threads run at nice ${COMPUTE_THREAD_NICE} under SCHED_OTHER`, async () => {
    await withInstance('low', (t) => t.nice === COMPUTE_THREAD_NICE && t.policy === 'SCHED_OTHER', (added, details) => {
      expect(details.computeThreadNice).toBe(COMPUTE_THREAD_NICE);
      expect(details.computeThreadPolicy).toBe('SCHED_OTHER');
      expect(added).toBeGreaterThanOrEqual(2);
    });
  }, 60_000);

  it.skipIf(ortMissing !== undefined || noProc !== undefined)('normal: nothing is lowered (negative control for the two above)', async () => {
    await withInstance('normal', (t) => t.policy === 'SCHED_IDLE' || t.nice === COMPUTE_THREAD_NICE, (added, details) => {
      expect(details.computePriority).toBe('normal');
      expect(details.computeThreadPolicy).toBe('SCHED_OTHER');
      expect(added).toBe(0);
    });
  }, 60_000);

  it.runIf(ortMissing !== undefined || noChrt !== undefined)('states why the SCHED_IDLE check cannot run here', () => {
    const reason = ortMissing ?? noChrt;
    console.log(`skipped: ${String(reason)}`);
    expect(reason).toBeTruthy();
  });
});
