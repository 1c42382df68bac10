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
 *
 * With `batching` (dynamic batching), an instance that can take work takes a batch: its own
 * queue first, then the FIFO, as many as models/instances/batcher.ts decides; a batch counts as
 * one computation in flight. A request's queue time runs until its batch is posted, so it holds
 * the batching delay. Every completion is tagged `batch` = the size of its batch.
 */
import { HrClock, type Clock } from '../../harness/loadgen/clock.ts';
import { InputError } from '../../harness/errors.ts';
import type { SutTimingsUs } from '../../harness/loadgen/sut.ts';
import type { ModelConfig } from '../config.ts';
import type { RuntimeInfo } from '../runtimes/runtime.ts';
import type { Variant } from '../variants.ts';
import type { InstanceSpec, WorkOrder } from './messages.ts';
import { InstanceWorker, InstanceStartError, type SlotBatchReply, type SlotReply, type StartedInstance } from './slot.ts';
import { BATCH_TAG, decideBatch, type BatchingPolicy } from './batcher.ts';

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
  /** dynamic batching: batches it ran (completed + errored requests over batches = mean batch size) */
  batches: number;
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
  /** dynamic batching, when on */
  readonly batching: BatchingPolicy | undefined;
  /** batching: the runtime runs a batch in one pass (false: its requests one by one inside the batch) */
  readonly batchedForm: boolean;
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
  /** requests (with batching: batches) one instance works on at once; default 1 */
  perInstance?: number;
  /** dynamic batching; absent: one request per computation */
  batching?: BatchingPolicy;
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
  const pool = new Pool(options);
  await pool.start();
  return pool;
}

class Pool implements InstancePool {
  readonly size: number;
  readonly variant: Variant;
  config!: ModelConfig;
  info!: RuntimeInfo;
  split = false;
  batchedForm = false;
  readonly batching: BatchingPolicy | undefined;
  private readonly perInstance: number;
  /** batching: when the pump is due to look again (the oldest request's deadline), µs */
  private holdUntilUs = Infinity;
  private readonly clock: Clock;
  private readonly queue: Waiting[] = [];
  private readonly lostListeners: ((slot: number) => void)[] = [];
  private readonly starting = new Set<Promise<unknown>>();
  private readonly slots: Slot[];
  private closing = false;
  private nextStateId = 0;

  constructor(private readonly options: PoolOptions) {
    this.size = options.instances ?? 1;
    this.variant = options.spec.variant;
    this.perInstance = options.perInstance ?? 1;
    this.batching = options.batching;
    this.clock = options.clock ?? new HrClock();
    this.slots = Array.from({ length: this.size }, (_, slot) => ({
      worker: null,
      generation: 0,
      pinned: [],
      stats: { slot, alive: false, busyUs: 0, completed: 0, errored: 0, batches: 0, inFlight: 0, pinnedQueued: 0, restarts: 0 },
    }));
  }

  async start(): Promise<void> {
    const first = await startAll(this.slots.map((_, i) => this.spawn(i)), `${this.options.spec.variant} on ${this.options.spec.runtime}`);
    for (const slot of this.slots) slot.stats.alive = true;
    this.config = first.config;
    this.info = first.info;
    this.split = first.split;
    this.batchedForm = first.batchedForm;
  }

  run(task: PoolTask): Promise<PoolOutcome> {
    if (this.closing) return Promise.resolve({ ok: false, slot: null, error: 'instance pool: closed' });
    if (this.slots.every((s) => s.worker === null)) return Promise.resolve({ ok: false, slot: null, error: 'instance pool: no model instance is running' });
    return new Promise((resolve) => {
      this.queue.push({ task, issuedUs: this.clock.nowUs(), resolve });
      this.pump();
    });
  }

  newStateId(): number {
    return this.nextStateId++;
  }

  drop(index: number, generation: number, stateId: number): void {
    const slot = this.slots[index];
    if (slot && slot.generation === generation) slot.worker?.drop(stateId);
  }

  generation(index: number): number {
    return this.slots[index]?.generation ?? -1;
  }

  onLost(listener: (slot: number) => void): void {
    this.lostListeners.push(listener);
  }

  queued(): number {
    return this.queue.length + this.slots.reduce((sum, s) => sum + s.pinned.length, 0);
  }

  inFlight(): number {
    return this.slots.reduce((sum, s) => sum + (s.worker?.inFlight ?? 0), 0);
  }

  stats(): InstanceStats[] {
    return this.slots.map((s) => ({ ...s.stats, inFlight: s.worker?.inFlight ?? 0, pinnedQueued: s.pinned.length }));
  }

  async settled(): Promise<void> {
    while (this.starting.size > 0) await Promise.all(this.starting);
  }

  async kill(index: number): Promise<void> {
    await this.slots[index]?.worker?.kill();
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.failAll('instance pool: closed');
    await Promise.all(this.slots.map((s) => s.worker?.close() ?? Promise.resolve()));
  }

  private canTake(s: Slot): boolean {
    return s.worker !== null && s.stats.alive && s.worker.inFlight < this.perInstance;
  }

  private spawn(index: number): InstanceWorker {
    const worker = new InstanceWorker(this.options.spec, { died: (reason) => this.died(index, worker, reason) });
    this.slots[index]!.worker = worker;
    return worker;
  }

  private post(index: number, waiting: Waiting, order: WorkOrder): void {
    const slot = this.slots[index]!;
    const queueUs = this.clock.nowUs() - waiting.issuedUs;
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
      this.pump();
    });
  }

  /** Give every instance that can take a request its next one: its own queue first, then the FIFO. */
  private pump(): void {
    if (this.batching) {
      this.pumpBatches(this.batching);
      return;
    }
    for (let progress = true; progress; ) {
      progress = false;
      for (let i = 0; i < this.slots.length; i++) {
        const slot = this.slots[i]!;
        if (!this.canTake(slot)) continue;
        const own = slot.pinned.shift();
        if (own) {
          this.post(i, own.waiting, own.order);
          progress = true;
          continue;
        }
        const waiting = this.queue.shift();
        if (!waiting) continue;
        progress = true;
        this.place(i, waiting);
      }
    }
  }

  /** The head of the FIFO meets a free instance: it runs there, or joins the queue of the instance it needs. */
  private place(free: number, waiting: Waiting): void {
    let placed: { slot: number; order: WorkOrder };
    try {
      placed = waiting.task.place(free);
    } catch (error) {
      waiting.resolve({ ok: false, slot: null, error: error instanceof Error ? error.message : String(error) });
      return;
    }
    if (placed.slot === free) this.post(free, waiting, placed.order);
    else this.slots[placed.slot]!.pinned.push({ waiting, order: placed.order });
  }

  /** Batching: every instance that can take work gets a batch, or the pump looks again at the deadline. */
  private pumpBatches(policy: BatchingPolicy): void {
    let holdUntilUs = Infinity;
    for (let progress = true; progress; ) {
      progress = false;
      for (let i = 0; i < this.slots.length; i++) {
        const slot = this.slots[i]!;
        if (!this.canTake(slot)) continue;
        const waiting = slot.pinned.length + this.queue.length;
        if (waiting === 0) continue;
        const oldestUs = Math.min(slot.pinned[0]?.waiting.issuedUs ?? Infinity, this.queue[0]?.issuedUs ?? Infinity);
        const decision = decideBatch(policy, waiting, oldestUs, this.clock.nowUs());
        if (decision.kind === 'hold') {
          holdUntilUs = Math.min(holdUntilUs, decision.untilUs);
          continue;
        }
        const batch = this.takeBatch(i, decision.size);
        if (batch.length > 0) this.postBatch(i, batch);
        progress = true; // a FIFO head placed on another instance's queue changes what that one sees
      }
    }
    this.holdUntil(holdUntilUs);
  }

  /** Up to `size` requests for instance `free`: its own queue, then FIFO heads placed here (hits on other instances join theirs). */
  private takeBatch(free: number, size: number): { waiting: Waiting; order: WorkOrder }[] {
    const slot = this.slots[free]!;
    const batch = slot.pinned.splice(0, size);
    while (batch.length < size && this.queue.length > 0) {
      const waiting = this.queue.shift()!;
      let placed: { slot: number; order: WorkOrder };
      try {
        placed = waiting.task.place(free);
      } catch (error) {
        waiting.resolve({ ok: false, slot: null, error: error instanceof Error ? error.message : String(error) });
        continue;
      }
      if (placed.slot === free) batch.push({ waiting, order: placed.order });
      else this.slots[placed.slot]!.pinned.push({ waiting, order: placed.order });
    }
    return batch;
  }

  /** Look again at `atUs` (one timer: the earliest deadline that is not already covered). */
  private holdUntil(atUs: number): void {
    if (atUs === Infinity || atUs >= this.holdUntilUs) return;
    this.holdUntilUs = atUs;
    void this.clock.sleepUntilUs(atUs).then(() => {
      if (this.holdUntilUs === atUs) this.holdUntilUs = Infinity;
      if (!this.closing) this.pump();
    });
  }

  private postBatch(index: number, batch: { waiting: Waiting; order: WorkOrder }[]): void {
    const slot = this.slots[index]!;
    const postedUs = this.clock.nowUs();
    const items = batch.map(({ waiting, order }) => ({ order, userFeatures: waiting.task.userFeatures, groupFeatures: waiting.task.groupFeatures }));
    void slot.worker!.runBatch(items).then((reply: SlotBatchReply) => {
      slot.stats.batches++;
      if (reply.ok) {
        slot.stats.completed += batch.length;
        slot.stats.busyUs += reply.timingsUs.serviceUs; // the instance was busy once for the whole batch
        const tags = { ...reply.tags, [BATCH_TAG]: String(batch.length) };
        let row = 0;
        for (const { waiting } of batch) {
          const N = waiting.task.groupFeatures.length / this.config.Fg;
          const scores = reply.scores.slice(row, row + N);
          row += N;
          waiting.resolve({ ok: true, slot: index, scores, timingsUs: { queueUs: postedUs - waiting.issuedUs, ...reply.timingsUs }, tags });
        }
      } else {
        slot.stats.errored += batch.length;
        for (const { waiting } of batch) waiting.resolve({ ok: false, slot: index, error: `instance ${index}: ${reply.error}` });
      }
      this.pump();
    });
  }

  private failAll(reason: string): void {
    for (const waiting of this.queue.splice(0)) waiting.resolve({ ok: false, slot: null, error: reason });
  }

  private died(index: number, worker: InstanceWorker, reason: string): void {
    const slot = this.slots[index]!;
    if (slot.worker !== worker) return;
    slot.stats.alive = false;
    slot.worker = null;
    slot.generation++;
    for (const { waiting } of slot.pinned.splice(0)) {
      waiting.resolve({ ok: false, slot: index, error: `instance ${index} died before this request ran; the cached user state it needed was lost (${reason})` });
    }
    for (const listener of this.lostListeners) listener(index);
    if (!this.closing) this.replace(index);
  }

  private replace(index: number): void {
    const slot = this.slots[index]!;
    slot.stats.restarts++;
    const replacement = this.spawn(index);
    const started = replacement.started.then(
      () => {
        slot.stats.alive = true;
        this.pump();
      },
      (error: unknown) => {
        if (slot.worker === replacement) slot.worker = null;
        if (this.slots.every((s) => s.worker === null)) this.failAll(`no model instance left: the replacement of instance ${index} failed (${(error as Error).message})`);
      },
    );
    this.starting.add(started);
    void started.finally(() => this.starting.delete(started));
  }
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
