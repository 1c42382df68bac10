/**
 * One model instance, in its own worker thread: builds its runtime from the InstanceSpec (through
 * the runtime registry, so every runtime works the same way), then runs the requests the pool
 * posts, one message each. ORT's session.run and TF.js wasm block this thread while they compute,
 * which is the point: the pool's thread stays free to schedule, admit, record and answer.
 *
 * Service times are measured here, on this thread's performance.now(): durations only, so the
 * clock's origin (different from the main thread's) never matters.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createRuntime } from '../runtimes/registry.ts';
import type { ScoringRuntime, UserStateHandle } from '../runtimes/runtime.ts';
import { loadWeights } from '../weights/load.ts';
import { runBatch } from './batch-run.ts';
import { DEFAULT_COMPUTE_PRIORITY, lowerThisThreadPriority, priorityDetails } from './priority.ts';
import type { FromInstance, InstanceSpec, InstanceTimingsUs, ToInstance, WorkOrder } from './messages.ts';

const port = parentPort!;
const spec = workerData as InstanceSpec;
const post = (message: FromInstance, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

async function buildRuntime(): Promise<ScoringRuntime> {
  if (spec.factoryModule !== undefined) {
    const module = (await import(spec.factoryModule)) as { createInstanceRuntime(spec: InstanceSpec): Promise<ScoringRuntime> };
    return module.createInstanceRuntime(spec);
  }
  const weights = loadWeights(spec.weights, spec.weightVariants);
  return createRuntime(spec.runtime, weights, spec.variant, spec.options);
}

/** User states this instance computed for the main thread's cache, by the cache's state id. */
const states = new Map<number, UserStateHandle>();

async function run(runtime: ScoringRuntime, order: WorkOrder, user: Float32Array, group: Float32Array): Promise<{ scores: Float32Array; timingsUs: InstanceTimingsUs }> {
  const t0 = performance.now();
  if (order.mode === 'whole') {
    const scores = await runtime.score(user, group);
    return { scores, timingsUs: { serviceUs: (performance.now() - t0) * 1000 } };
  }
  if (!runtime.userPass || !runtime.groupPass) throw new Error(`instance: ${spec.variant} on ${spec.runtime} has no split form (user pass / group pass)`);
  let userPassUs: number | undefined;
  let state = states.get(order.stateId);
  if (order.mode === 'miss') {
    state = await runtime.userPass(user);
    states.set(order.stateId, state);
    userPassUs = (performance.now() - t0) * 1000;
  } else if (state === undefined) {
    throw new Error(`instance: cached user state ${order.stateId} is not on this instance (its user pass failed)`);
  }
  const t1 = performance.now();
  const scores = await runtime.groupPass(state, group);
  const t2 = performance.now();
  return { scores, timingsUs: { serviceUs: (t2 - t0) * 1000, ...(userPassUs === undefined ? {} : { userPassUs }), groupPassUs: (t2 - t1) * 1000 } };
}

/**
 * Scores to transfer: the array itself when it owns its buffer; a view into a runtime's memory
 * (a wasm heap) is copied instead, since detaching it would break the runtime.
 */
function transferable(scores: Float32Array): Float32Array {
  return scores.buffer instanceof ArrayBuffer && scores.byteOffset === 0 && scores.byteLength === scores.buffer.byteLength ? scores : scores.slice();
}

async function main(): Promise<void> {
  // Before the runtime exists, so the intra-op threads it creates inherit the lower priority.
  const wantPriority = spec.computePriority ?? DEFAULT_COMPUTE_PRIORITY;
  const priority = lowerThisThreadPriority(wantPriority);
  let runtime: ScoringRuntime;
  try {
    runtime = await buildRuntime();
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: 'start-failed', name: e.name, message: e.message });
    return;
  }
  port.on('message', (message: ToInstance) => {
    if (message.type === 'drop') {
      // The pool posts a drop only once no request it sent still uses the state.
      states.get(message.stateId)?.dispose?.();
      states.delete(message.stateId);
    } else if (message.type === 'close') {
      for (const state of states.values()) state.dispose?.();
      states.clear();
      void runtime.dispose().finally(() => {
        post({ type: 'closed' });
        port.close();
      });
    } else if (message.type === 'batch') {
      const { id, items } = message;
      runBatch(runtime, states, items).then(
        (done) => {
          const tags = runtime.dispatchTags?.(done.scores.length);
          const scores = transferable(done.scores);
          post({ type: 'batch-done', id, ...done, scores, ...(tags ? { tags: { ...tags } } : {}) }, [scores.buffer as ArrayBuffer]);
        },
        (error: unknown) => post({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) }),
      );
    } else {
      const { id, order, userFeatures, groupFeatures } = message;
      run(runtime, order, userFeatures, groupFeatures).then(
        ({ scores, timingsUs }) => {
          const tags = runtime.dispatchTags?.(groupFeatures.length / runtime.config.Fg);
          const owned = transferable(scores);
          post({ type: 'done', id, scores: owned, timingsUs, ...(tags ? { tags: { ...tags } } : {}) }, [owned.buffer as ArrayBuffer]);
        },
        (error: unknown) => post({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) }),
      );
    }
  });
  const info = { ...runtime.info, details: { ...runtime.info.details, ...priorityDetails(wantPriority, priority) } };
  const split = runtime.userPass !== undefined && runtime.groupPass !== undefined;
  const batchedForm = split ? runtime.groupPassBatch !== undefined : runtime.scoreBatch !== undefined;
  post({ type: 'ready', info, config: runtime.config, split, batchedForm });
}

await main();
