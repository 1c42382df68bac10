/**
 * One shard of `ugbench bench --workers K`, in a worker thread: runs its segment of the plan
 * against its own in-process system under test and posts the shard results back. Messages:
 * in 'abort' (Ctrl-C in the main thread); out {type: 'log'}, {type: 'done'}, {type: 'error'}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runBench } from './run-bench.ts';
import type { ShardWorkerInput, ShardWorkerMessage } from './workers.ts';

const port = parentPort!;
const input = workerData as ShardWorkerInput;
const abort = new AbortController();
port.on('message', (message: unknown) => {
  if (message === 'abort') abort.abort();
});
const post = (message: ShardWorkerMessage): void => port.postMessage(message);

try {
  const results = await runBench({
    scenario: input.scenario,
    scenarioPath: input.scenarioPath,
    root: input.root,
    machine: input.machine,
    shard: input.shard,
    signal: abort.signal,
    log: (line) => post({ type: 'log', line }),
  });
  post({ type: 'done', results });
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'error', name: e.name, message: e.message, stack: e.stack ?? e.message });
}
