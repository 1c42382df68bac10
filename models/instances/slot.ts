/**
 * One model instance as the pool sees it: a worker thread running models/instances/worker.ts,
 * its lifecycle (starting -> ready -> dead) and the requests it is computing. A death (uncaught
 * error, terminate, exit) fails those requests with a reason; the pool decides about a replacement.
 */
import { Worker } from 'node:worker_threads';
import type { ModelConfig } from '../config.ts';
import type { RuntimeInfo } from '../runtimes/runtime.ts';
import type { FromInstance, InstanceSpec, InstanceTimingsUs, ToInstance } from './messages.ts';

const WORKER_URL = new URL('./worker.mjs', import.meta.url);

export type SlotReply = { ok: true; scores: Float32Array; timingsUs: InstanceTimingsUs; tags?: Record<string, string> } | { ok: false; error: string };
/** A batch's reply: every item's scores, item after item, and R (the unique users it read). */
export type SlotBatchReply = { ok: true; scores: Float32Array; timingsUs: InstanceTimingsUs; users: number; tags?: Record<string, string> } | { ok: false; error: string };
type AnyReply = SlotReply | SlotBatchReply;

export interface SlotEvents {
  /** the worker died after it was ready; `reason` says how */
  died(reason: string): void;
}

export interface StartedInstance {
  info: RuntimeInfo;
  config: ModelConfig;
  split: boolean;
  batchedForm: boolean;
}

/** Why an instance could not start: the worker's own error, name kept (InputError, UnavailableError, ...). */
export class InstanceStartError extends Error {
  constructor(
    readonly workerErrorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'InstanceStartError';
  }
}

export class InstanceWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (reply: AnyReply) => void>();
  private nextId = 0;
  private lastError: string | undefined;
  private closing = false;
  private exited = false;
  readonly started: Promise<StartedInstance>;

  constructor(spec: InstanceSpec, events: SlotEvents) {
    this.worker = new Worker(WORKER_URL, { workerData: spec });
    let ready = false;
    this.started = new Promise((resolve, reject) => {
      this.worker.on('message', (message: FromInstance) => {
        if (message.type === 'ready') {
          ready = true;
          resolve({ info: message.info, config: message.config, split: message.split, batchedForm: message.batchedForm });
        } else if (message.type === 'start-failed') {
          reject(new InstanceStartError(message.name, message.message));
        } else if (message.type === 'done' || message.type === 'batch-done' || message.type === 'failed') {
          const settle = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.type === 'failed') settle?.({ ok: false, error: message.message });
          else settle?.({ ok: true, scores: message.scores, timingsUs: message.timingsUs, ...(message.type === 'batch-done' ? { users: message.users } : {}), ...(message.tags ? { tags: message.tags } : {}) });
        }
      });
      this.worker.on('error', (error) => (this.lastError = error.message));
      this.worker.on('exit', (code) => {
        this.exited = true;
        const reason = this.lastError ?? `its worker thread exited with code ${code}`;
        for (const settle of this.pending.values()) settle({ ok: false, error: `model instance died while computing this request (${reason})` });
        this.pending.clear();
        if (!ready) reject(new InstanceStartError('Error', `model instance exited before it was ready (${reason})`));
        else if (!this.closing) events.died(reason);
      });
    });
    this.started.catch(() => {}); // the creator awaits it; a late rejection must not go unhandled
  }

  get inFlight(): number {
    return this.pending.size;
  }

  run(message: Omit<Extract<ToInstance, { type: 'run' }>, 'type' | 'id'>): Promise<SlotReply> {
    return this.send<SlotReply>((id) => ({ type: 'run', id, ...message }));
  }

  /** One dynamic batch: it counts as one computation in flight. */
  runBatch(items: Extract<ToInstance, { type: 'batch' }>['items']): Promise<SlotBatchReply> {
    return this.send<SlotBatchReply>((id) => ({ type: 'batch', id, items }));
  }

  /** Post a message; its reply is of the kind the message asks for (the worker answers a run with done, a batch with batch-done). */
  private send<R extends AnyReply>(message: (id: number) => ToInstance): Promise<R> {
    if (this.exited) return Promise.resolve({ ok: false, error: 'model instance is not running' } as R);
    const id = this.nextId++;
    return new Promise<R>((resolve) => {
      this.pending.set(id, (reply) => resolve(reply as R));
      this.worker.postMessage(message(id));
    });
  }

  drop(stateId: number): void {
    if (!this.exited) this.worker.postMessage({ type: 'drop', stateId } satisfies ToInstance);
  }

  /** Kill the worker at once (tests, and a pool that gives up on it). */
  async kill(): Promise<void> {
    if (!this.exited) await this.worker.terminate();
  }

  /** Release the runtime inside the worker and let the thread end; terminate if it does not. */
  async close(): Promise<void> {
    if (this.exited) return;
    this.closing = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' } satisfies ToInstance);
    const timer = setTimeout(() => void this.worker.terminate(), 2_000);
    await exited;
    clearTimeout(timer);
  }
}
