/**
 * The model-instance pool (Triton's instance group): K workers, each its own runtime with its own
 * intra-op threads. Requests wait in one FIFO; whenever an instance can take one, the head of the
 * queue is placed: on that instance, or - a cache hit, whose user state lives on the instance that
 * computed it - on its owner's own queue, which the owner serves first when it frees up. The
 * thread that calls `run` (the load generator's, or the HTTP server's) only queues and answers.
 *
 * Queue time is measured on the calling thread's clock only (from `run` to the post to a free
 * instance); the instance measures service time on its own clock. Message transit (tens of µs)
 * belongs to neither and stays in the end-to-end latency.
 *
 * A worker that dies fails its in-flight requests with a reason, fails the requests waiting for
 * its cached states, tells `onLost` listeners (the cache forgets those states), and is replaced.
 */
import { HrClock, type Clock } from '../../harness/loadgen/clock.ts';
import { InputError } from '../../harness/errors.ts';
import type { SutTimingsUs } from '../../harness/loadgen/sut.ts';
import type { ModelConfig } from '../config.ts';
import type { RuntimeInfo } from '../runtimes/runtime.ts';
import type { Variant } from '../variants.ts';
import type { InstanceSpec, WorkOrder } from './messages.ts';
import { InstanceWorker, InstanceStartError, type SlotReply, type StartedInstance } from './slot.ts';

const USER_FACING = new Set(['InputError', 'UnavailableError']);

export interface PoolTask {
  userFeatures: Float32Array; // [Fu]
  groupFeatures: Float32Array; // [N, Fg]
  /**
   * Called once, on the calling thread, when `freeSlot` can take a request: where it runs (that
   * slot, or the slot that owns the state it needs) and how.
   */
  place(freeSlot: number): { slot: number; order: WorkOrder };
}

export type PoolOutcome =
  | { ok: true; slot: number; scores: Float32Array; timingsUs: SutTimingsUs; tags?: Record<string, string> }
  | { ok: false; slot: number | null; error: string };

export interface InstanceStats {
  slot: number;
  alive: boolean;
  /** summed service time of the requests it completed, µs (its busy time) */
  busyUs: number;
  completed: number;
  errored: number;
  inFlight: number;
  /** requests waiting for this instance in particular (cache hits on its states) */
  pinnedQueued: number;
  /** times its worker died and was replaced */
  restarts: number;
}

export interface InstancePool {
  readonly size: number;
  readonly variant: Variant;
  readonly config: ModelConfig;
  /** what runs in each instance (from the first instance; all are built from one spec) */
  readonly info: RuntimeInfo;
  /** the runtime has a user pass / group pass (ugsep variants) */
  readonly split: boolean;
  run(task: PoolTask): Promise<PoolOutcome>;
  /** a fresh id for a user state (unique in this pool, whoever caches through it) */
  newStateId(): number;
  /** the state `stateId` on `slot` (generation `generation`) is no longer needed */
  drop(slot: number, generation: number, stateId: number): void;
  /** generation of the worker in `slot` now: bumped at every replacement */
  generation(slot: number): number;
  /** called when a slot's worker died: every state it held is gone */
  onLost(listener: (slot: number) => void): void;
  /** requests waiting (shared FIFO + per-instance queues) */
  queued(): number;
  /** requests computing now */
  inFlight(): number;
  stats(): InstanceStats[];
  /** resolves once no replacement instance is still starting */
  settled(): Promise<void>;
  /** kill the worker of `slot` (tests: an instance dying mid-run) */
  kill(slot: number): Promise<void>;
  close(): Promise<void>;
}

export interface PoolOptions {
  spec: InstanceSpec;
  /** model instances (worker threads); default 1 */
  instances?: number;
  /** requests one instance works on at once; default 1 */
  perInstance?: number;
  clock?: Clock;
}

interface Waiting {
  task: PoolTask;
  issuedUs: number;
  resolve(outcome: PoolOutcome): void;
}

interface Slot {
  worker: InstanceWorker | null;
  generation: number;
  pinned: { waiting: Waiting; order: WorkOrder }[];
  stats: InstanceStats;
}

export async function createInstancePool(options: PoolOptions): Promise<InstancePool> {
  const count = options.instances ?? 1;
  const perInstance = options.perInstance ?? 1;
  const clock = options.clock ?? new HrClock();
  const queue: Waiting[] = [];
  const lostListeners: ((slot: number) => void)[] = [];
  let closing = false;
  let nextStateId = 0;
  const starting = new Set<Promise<unknown>>();

  const slots: Slot[] = Array.from({ length: count }, (_, slot) => ({
    worker: null,
    generation: 0,
    pinned: [],
    stats: { slot, alive: false, busyUs: 0, completed: 0, errored: 0, inFlight: 0, pinnedQueued: 0, restarts: 0 },
  }));
  const canTake = (s: Slot): boolean => s.worker !== null && s.stats.alive && s.worker.inFlight < perInstance;

  const start = (index: number): InstanceWorker => {
    const slot = slots[index]!;
    const worker = new InstanceWorker(options.spec, { died: (reason) => died(index, worker, reason) });
    slot.worker = worker;
    return worker;
  };

  const post = (index: number, waiting: Waiting, order: WorkOrder): void => {
    const slot = slots[index]!;
    const queueUs = clock.nowUs() - waiting.issuedUs;
    const { userFeatures, groupFeatures } = waiting.task;
    void slot.worker!.run({ order, userFeatures, groupFeatures }).then((reply: SlotReply) => {
      if (reply.ok) {
        slot.stats.completed++;
        slot.stats.busyUs += reply.timingsUs.serviceUs;
        waiting.resolve({ ok: true, slot: index, scores: reply.scores, timingsUs: { queueUs, ...reply.timingsUs }, ...(reply.tags ? { tags: reply.tags } : {}) });
      } else {
        slot.stats.errored++;
        waiting.resolve({ ok: false, slot: index, error: `instance ${index}: ${reply.error}` });
      }
      pump();
    });
  };

  /** Give every instance that can take a request its next one: its own queue first, then the FIFO. */
  const pump = (): void => {
    for (let progress = true; progress; ) {
      progress = false;
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i]!;
        if (!canTake(slot)) continue;
        const own = slot.pinned.shift();
        if (own) {
          post(i, own.waiting, own.order);
          progress = true;
          continue;
        }
        const waiting = queue.shift();
        if (!waiting) continue;
        progress = true;
        let placed: { slot: number; order: WorkOrder };
        try {
          placed = waiting.task.place(i);
        } catch (error) {
          waiting.resolve({ ok: false, slot: null, error: error instanceof Error ? error.message : String(error) });
          continue;
        }
        if (placed.slot === i) post(i, waiting, placed.order);
        else slots[placed.slot]!.pinned.push({ waiting, order: placed.order });
      }
    }
  };

  const failAll = (reason: string): void => {
    for (const waiting of queue.splice(0)) waiting.resolve({ ok: false, slot: null, error: reason });
  };

  function died(index: number, worker: InstanceWorker, reason: string): void {
    const slot = slots[index]!;
    if (slot.worker !== worker) return;
    slot.stats.alive = false;
    slot.worker = null;
    slot.generation++;
    for (const { waiting } of slot.pinned.splice(0)) {
      waiting.resolve({ ok: false, slot: index, error: `instance ${index} died before this request ran; the cached user state it needed was lost (${reason})` });
    }
    for (const listener of lostListeners) listener(index);
    if (closing) return;
    slot.stats.restarts++;
    const replacement = start(index);
    const started = replacement.started.then(
      () => {
        slot.stats.alive = true;
        pump();
      },
      (error: unknown) => {
        if (slot.worker === replacement) slot.worker = null;
        if (slots.every((s) => s.worker === null)) failAll(`no model instance left: the replacement of instance ${index} failed (${(error as Error).message})`);
      },
    );
    starting.add(started);
    void started.finally(() => starting.delete(started));
  }

  const first = await startAll(slots.map((_, i) => start(i)), `${options.spec.variant} on ${options.spec.runtime}`);
  for (const slot of slots) slot.stats.alive = true;

  return {
    size: count,
    variant: options.spec.variant,
    config: first.config,
    info: first.info,
    split: first.split,
    run(task) {
      if (closing) return Promise.resolve({ ok: false, slot: null, error: 'instance pool: closed' });
      if (slots.every((s) => s.worker === null)) return Promise.resolve({ ok: false, slot: null, error: 'instance pool: no model instance is running' });
      return new Promise((resolve) => {
        queue.push({ task, issuedUs: clock.nowUs(), resolve });
        pump();
      });
    },
    newStateId: () => nextStateId++,
    drop(index, generation, stateId) {
      const slot = slots[index];
      if (slot && slot.generation === generation) slot.worker?.drop(stateId);
    },
    generation: (index) => slots[index]?.generation ?? -1,
    onLost: (listener) => void lostListeners.push(listener),
    queued: () => queue.length + slots.reduce((sum, s) => sum + s.pinned.length, 0),
    inFlight: () => slots.reduce((sum, s) => sum + (s.worker?.inFlight ?? 0), 0),
    stats: () => slots.map((s) => ({ ...s.stats, inFlight: s.worker?.inFlight ?? 0, pinnedQueued: s.pinned.length })),
    settled: async () => {
      while (starting.size > 0) await Promise.all(starting);
    },
    kill: async (index) => slots[index]?.worker?.kill(),
    async close() {
      if (closing) return;
      closing = true;
      failAll('instance pool: closed');
      await Promise.all(slots.map((s) => s.worker?.close()));
    },
  };
}

/** Wait for every instance; if one cannot start, stop the others and say why. */
async function startAll(workers: InstanceWorker[], label: string): Promise<StartedInstance> {
  const results = await Promise.allSettled(workers.map((w) => w.started));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(workers.map((w) => w.kill()));
    const reason = failed.reason as unknown;
    // Bad input and absent capabilities keep their meaning (exit 104) across the thread boundary.
    if (reason instanceof InstanceStartError && USER_FACING.has(reason.workerErrorName)) throw new InputError(`model instance (${label})`, [reason.message]);
    throw reason instanceof Error ? reason : new Error(String(reason));
  }
  return (results[0] as PromiseFulfilledResult<StartedInstance>).value;
}
