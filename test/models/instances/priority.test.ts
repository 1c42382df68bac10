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
import { COMPUTE_THREAD_NICE } from '../../../models/instances/priority.ts';
import { presetConfig } from '../../../models/presets.ts';
import { runtimeUnavailableReason } from '../../../models/runtimes/registry.ts';
import { VARIANTS } from '../../../models/variants.ts';

const TASKS = '/proc/self/task';
/** nice of every thread of this process, from /proc/<pid>/task/<tid>/stat (field 19) */
function threadNices(): number[] {
  return readdirSync(TASKS).flatMap((tid) => {
    try {
      const stat = readFileSync(`${TASKS}/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
      return [Number(fields[16])];
    } catch {
      return []; // the thread ended while we listed
    }
  });
}

const ortMissing = await runtimeUnavailableReason('ort-cpu');
const noProc = existsSync(TASKS) ? undefined : `${TASKS} does not exist here (not Linux): per-thread nice cannot be read back`;

describe('model-instance thread priority', () => {
  it.skipIf(ortMissing !== undefined || noProc !== undefined)(`an ort-cpu instance with 2 intra-op threads runs them at nice ${COMPUTE_THREAD_NICE}; the issuing thread keeps its own`, async () => {
    const mainNice = getPriority(0);
    const before = threadNices().filter((n) => n === COMPUTE_THREAD_NICE).length;
    const config = presetConfig('tiny');
    const pool = await createInstancePool({ spec: { runtime: 'ort-cpu', variant: 'ugsep', weights: { config, seed: 1 }, weightVariants: VARIANTS, options: { threads: 2 } }, instances: 1 });
    try {
      const lowered = threadNices().filter((n) => n === COMPUTE_THREAD_NICE).length - before;
      console.log(`threads at nice ${COMPUTE_THREAD_NICE} after starting the instance: ${lowered}; this thread's nice: ${getPriority(0)}; reported: ${String(pool.info.details.computeThreadNice)}`);
      expect(pool.info.details.computeThreadNice).toBe(COMPUTE_THREAD_NICE);
      // the worker thread itself and onnxruntime's second intra-op thread (at least)
      expect(lowered).toBeGreaterThanOrEqual(2);
      expect(getPriority(0)).toBe(mainNice);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it.runIf(ortMissing !== undefined || noProc !== undefined)('states why the priority check cannot run here', () => {
    const reason = ortMissing ?? noProc;
    console.log(`skipped: ${String(reason)}`);
    expect(reason).toBeTruthy();
  });
});
