/**
 * What crosses the thread boundary between the instance pool (main thread) and one model
 * instance (a worker thread). Everything here is structured-clone data: no functions, no handles.
 */
import type { ModelConfig } from '../config.ts';
import type { RuntimeInfo } from '../runtimes/runtime.ts';
import type { RuntimeName, RuntimeOptions } from '../runtimes/registry.ts';
import type { Variant } from '../variants.ts';
import type { ComputePriority } from './priority.ts';
import type { WeightsSource } from '../weights/load.ts';

/** How a worker builds its runtime: the registry's own factory, from data alone. */
export interface InstanceSpec {
  runtime: RuntimeName;
  variant: Variant;
  /** weights file, or config/preset + seed: each instance loads (or regenerates) the same weights */
  weights: WeightsSource;
  /** the variants the weights are generated for (compensation tensors are drawn when any needs them) */
  weightVariants: readonly Variant[];
  /** passed to the runtime factory untouched (threads, kernel choices, ...) */
  options: RuntimeOptions;
  /** how the instance's threads are scheduled against the issuing thread; default 'idle' (priority.ts) */
  computePriority?: ComputePriority;
  /**
   * A module (file URL) exporting `createInstanceRuntime(spec)`, used instead of the registry.
   * For tests (a deliberately slow or failing runtime); `factoryOptions` is handed to it.
   */
  factoryModule?: string;
  factoryOptions?: unknown;
}

/** How one request runs on its instance. */
export type WorkOrder =
  /** the whole request: runtime.score (ugsep variants still reuse the user pass within it) */
  | { mode: 'whole' }
  /** user pass into the state `stateId` (kept on this instance for later hits), then the group pass */
  | { mode: 'miss'; stateId: number }
  /** the group pass on the state `stateId` this instance computed earlier */
  | { mode: 'hit'; stateId: number };

export type ToInstance =
  | { type: 'run'; id: number; order: WorkOrder; userFeatures: Float32Array; groupFeatures: Float32Array }
  /** a dynamic batch: the items' rows scored together (models/instances/batch-run.ts) */
  | { type: 'batch'; id: number; items: { order: WorkOrder; userFeatures: Float32Array; groupFeatures: Float32Array }[] }
  /** the main-thread cache let go of this state (evicted, expired, cleared) */
  | { type: 'drop'; stateId: number }
  | { type: 'close' };

/** Times the instance measured on its own clock, µs. */
export interface InstanceTimingsUs {
  serviceUs: number;
  userPassUs?: number;
  groupPassUs?: number;
}

export type FromInstance =
  /** batchedForm: the runtime scores a batch in one user pass and one group pass (or one whole-graph run) */
  | { type: 'ready'; info: RuntimeInfo; config: ModelConfig; split: boolean; batchedForm: boolean }
  | { type: 'start-failed'; name: string; message: string }
  | { type: 'done'; id: number; scores: Float32Array; timingsUs: InstanceTimingsUs; tags?: Record<string, string> }
  /** a batch's scores, item after item (rows concatenated); `users` = R, the unique users it read */
  | { type: 'batch-done'; id: number; scores: Float32Array; timingsUs: InstanceTimingsUs; users: number; batchedForm: boolean; tags?: Record<string, string> }
  | { type: 'failed'; id: number; message: string }
  | { type: 'closed' };
