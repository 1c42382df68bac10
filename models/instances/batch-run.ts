/**
 * One dynamic batch on a model instance (worker thread): the requests' candidate rows scored
 * together. Split variants run the user pass once on the batch's R unique users (misses and
 * uncached requests; hits bring their state) and the group pass once on all rows, each row tied
 * to its user's state by a row -> user index; the rest run the whole graph once on the R users
 * and all rows. A runtime without the batched form runs the requests one by one inside the batch,
 * and says so (`batchedForm` false). Scores come back in item order, rows concatenated.
 */
import { featuresFingerprint } from '../cache/user-key.ts';
import type { ScoringRuntime, UserStateHandle } from '../runtimes/runtime.ts';
import type { InstanceTimingsUs, WorkOrder } from './messages.ts';

export interface BatchItem {
  order: WorkOrder;
  userFeatures: Float32Array; // [Fu]
  groupFeatures: Float32Array; // [N, Fg]
}

export interface BatchRun {
  /** every item's scores, item after item: [sum of N] */
  scores: Float32Array;
  timingsUs: InstanceTimingsUs;
  /** R: users whose state the group pass read (unique within the batch) */
  users: number;
  /** the runtime's batched form ran (false: the items ran one by one) */
  batchedForm: boolean;
}

/** Unique users of a batch: the feature rows to run and, per item, which of them it uses. */
class UserTable {
  readonly rows: Float32Array[] = [];
  private readonly byPrint = new Map<string, number[]>();
  /** index of these features among the rows (identical features share one: a state is a pure function of them) */
  indexOf(features: Float32Array): number {
    const print = featuresFingerprint(features);
    const same = this.byPrint.get(print) ?? [];
    const found = same.find((r) => equalFeatures(this.rows[r]!, features));
    if (found !== undefined) return found;
    same.push(this.rows.length);
    this.byPrint.set(print, same);
    this.rows.push(features);
    return this.rows.length - 1;
  }
  /** fresh row, never shared (a cache miss: its own state id) */
  add(features: Float32Array): number {
    this.rows.push(features);
    return this.rows.length - 1;
  }
}

function equalFeatures(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatRows(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** row_user [sum of N]: item i's rows point at user userOfItem[i]. */
function rowUserIndex(items: readonly BatchItem[], userOfItem: readonly number[], Fg: number): Int32Array {
  const rowUser = new Int32Array(items.reduce((n, it) => n + it.groupFeatures.length / Fg, 0));
  let row = 0;
  items.forEach((it, i) => {
    const N = it.groupFeatures.length / Fg;
    rowUser.fill(userOfItem[i]!, row, row + N);
    row += N;
  });
  return rowUser;
}

export async function runBatch(runtime: ScoringRuntime, states: Map<number, UserStateHandle>, items: readonly BatchItem[]): Promise<BatchRun> {
  if (items.some((it) => it.order.mode !== 'whole')) return runSplitBatch(runtime, states, items);
  if (runtime.userPass && runtime.groupPass && runtime.userPassBatch && runtime.groupPassBatch) return runSplitBatch(runtime, states, items);
  const t0 = performance.now();
  const group = concatRows(items.map((it) => it.groupFeatures));
  if (runtime.scoreBatch) {
    const users = new UserTable();
    const userOfItem = items.map((it) => users.indexOf(it.userFeatures));
    const scores = await runtime.scoreBatch(concatRows(users.rows), group, rowUserIndex(items, userOfItem, runtime.config.Fg));
    return { scores, timingsUs: { serviceUs: (performance.now() - t0) * 1000 }, users: users.rows.length, batchedForm: true };
  }
  const parts: Float32Array[] = [];
  for (const it of items) parts.push(await runtime.score(it.userFeatures, it.groupFeatures));
  return { scores: concatRows(parts), timingsUs: { serviceUs: (performance.now() - t0) * 1000 }, users: new Set(items.map((it) => featuresFingerprint(it.userFeatures))).size, batchedForm: false };
}

/** Split variants: user pass on the unique users that need one, group pass on every row. */
async function runSplitBatch(runtime: ScoringRuntime, states: Map<number, UserStateHandle>, items: readonly BatchItem[]): Promise<BatchRun> {
  if (!runtime.userPass || !runtime.groupPass) throw new Error(`instance: ${runtime.variant} has no split form (user pass / group pass)`);
  const userPass = runtime.userPass.bind(runtime);
  const groupPass = runtime.groupPass.bind(runtime);
  const t0 = performance.now();
  // Which user-pass row (or existing state) each item reads. A hit may name a state whose miss is
  // earlier in this same batch: it shares that miss's row.
  const users = new UserTable();
  const rowOfState = new Map<number, number>();
  const need: (number | UserStateHandle)[] = items.map((it) => {
    const { order } = it;
    if (order.mode === 'whole') return users.indexOf(it.userFeatures);
    if (order.mode === 'miss') {
      const row = users.add(it.userFeatures);
      rowOfState.set(order.stateId, row);
      return row;
    }
    const row = rowOfState.get(order.stateId);
    if (row !== undefined) return row;
    const state = states.get(order.stateId);
    if (state === undefined) throw new Error(`instance: cached user state ${order.stateId} is not on this instance (its user pass failed)`);
    return state;
  });
  const computed = users.rows.length === 0 ? [] : runtime.userPassBatch ? await runtime.userPassBatch(concatRows(users.rows)) : await sequential(users.rows, userPass);
  const t1 = performance.now();
  items.forEach((it, i) => {
    if (it.order.mode === 'miss') states.set(it.order.stateId, computed[need[i] as number]!);
  });
  // The group pass reads each distinct state once: computed rows first, then the hits' states.
  const handles: UserStateHandle[] = [...computed];
  const slotOf = new Map<UserStateHandle, number>(handles.map((h, r) => [h, r]));
  const userOfItem = need.map((n) => {
    const handle = typeof n === 'number' ? computed[n]! : n;
    let slot = slotOf.get(handle);
    if (slot === undefined) slotOf.set(handle, (slot = handles.push(handle) - 1));
    return slot;
  });
  try {
    const scores = runtime.groupPassBatch
      ? await runtime.groupPassBatch(handles, concatRows(items.map((it) => it.groupFeatures)), rowUserIndex(items, userOfItem, runtime.config.Fg))
      : concatRows(await sequential(items.map((it, i) => [handles[userOfItem[i]!]!, it.groupFeatures] as const), ([h, g]) => groupPass(h, g)));
    const t2 = performance.now();
    const timingsUs: InstanceTimingsUs = { serviceUs: (t2 - t0) * 1000, ...(users.rows.length > 0 ? { userPassUs: (t1 - t0) * 1000 } : {}), groupPassUs: (t2 - t1) * 1000 };
    return { scores, timingsUs, users: handles.length, batchedForm: runtime.groupPassBatch !== undefined };
  } finally {
    // states of uncached requests live for this batch only
    const uncached = new Set(items.flatMap((it, i) => (it.order.mode === 'whole' ? [computed[need[i] as number]] : [])));
    for (const state of uncached) state?.dispose?.();
  }
}

/** Run `f` on each input in turn (one compute at a time on this instance). */
async function sequential<A, R>(inputs: readonly A[], f: (a: A) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const a of inputs) out.push(await f(a));
  return out;
}
