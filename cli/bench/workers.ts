/**
 * `ugbench bench --workers K`: K worker threads on this machine, each running shard i/K of the
 * plan (same partition as `--shard i/n`) against its own in-process system under test, for
 * targets one event loop cannot saturate. Their shard results are merged exactly as
 * `ugbench merge` does. Machine facts are read once here and handed to every worker.
 */
import { Worker } from 'node:worker_threads';
import { InputError } from '../../harness/errors.ts';
import { machineFacts } from '../../harness/results/provenance.ts';
import type { BenchResults, MachineFacts } from '../../harness/results/contract.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import type { ShardSpec } from '../../harness/loadgen/traffic/shard.ts';

export interface ShardWorkerInput {
  scenario: Scenario;
  scenarioPath: string | null;
  root: string;
  machine: MachineFacts;
  shard: ShardSpec;
}

export type ShardWorkerMessage =
  | { type: 'log'; line: string }
  | { type: 'done'; results: BenchResults }
  | { type: 'error'; name: string; message: string; stack: string };

export interface WorkersOptions {
  scenario: Scenario;
  scenarioPath: string | null;
  root: string;
  workers: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** for tests: skip systeminformation */
  machine?: MachineFacts;
}

const ENTRY = new URL('./shard-worker.mjs', import.meta.url);

/** Runs the K shards side by side; resolves with their results in shard order. */
export async function runShardWorkers(o: WorkersOptions): Promise<BenchResults[]> {
  const machine = o.machine ?? (await machineFacts());
  const log = o.log ?? (() => {});
  const workers: Worker[] = [];
  const onAbort = (): void => {
    for (const w of workers) w.postMessage('abort');
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.all(
      Array.from({ length: o.workers }, (_, index) => {
        const shard = { index, count: o.workers };
        const input: ShardWorkerInput = { scenario: o.scenario, scenarioPath: o.scenarioPath, root: o.root, machine, shard };
        const worker = new Worker(ENTRY, { workerData: input });
        workers.push(worker);
        return new Promise<BenchResults>((resolve, reject) => {
          let settled = false;
          worker.on('message', (m: ShardWorkerMessage) => {
            if (m.type === 'log') log(`[shard ${index}/${o.workers}] ${m.line}`);
            else if (m.type === 'done') {
              settled = true;
              resolve(m.results);
              void worker.terminate(); // its event loop may still hold runtime handles
            } else {
              settled = true;
              // bad input or an absent runtime is the user's to fix (104); anything else is a crash
              if (m.name === 'InputError' || m.name === 'UnavailableError') reject(new InputError(`--workers: shard ${index}/${o.workers}`, [m.message]));
              else reject(new Error(`shard worker ${index}/${o.workers} crashed: ${m.stack}`));
              void worker.terminate();
            }
          });
          worker.on('error', (error) => {
            settled = true;
            reject(new Error(`shard worker ${index}/${o.workers} crashed: ${error.stack ?? error.message}`));
          });
          worker.on('exit', (code) => {
            if (!settled) reject(new Error(`shard worker ${index}/${o.workers} exited (code ${code}) without results`));
          });
        });
      }),
    );
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw error;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}
