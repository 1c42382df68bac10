/**
 * Activating a TF.js backend on the one global engine, and the facts of what got activated.
 * Runtimes on different backends cannot share the engine (tensors would silently migrate between
 * backends on every read), so a second backend is refused while runtimes on the first are live.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendSpec, throwIfUnavailable, tfjsUnavailableReason, wasmDirectory, type TfjsRuntimeName } from './backends.ts';

export interface BackendFacts {
  tfBackend: string;
  /** threads the backend computes with */
  threads: number;
  details: Record<string, string | number | boolean>;
}

let active: { name: TfjsRuntimeName; users: number; facts: BackendFacts } | undefined;

/**
 * Make `name` the engine's backend (initializing it once) and count one more user of it.
 * `threadsRequested` only matters for wasm, before its first initialization.
 */
export async function activateBackend(name: TfjsRuntimeName, threadsRequested: number | undefined): Promise<BackendFacts> {
  if (active && active.users > 0 && active.name !== name) {
    throw new Error(
      `${name}: TF.js has one engine per process and ${active.users} ${active.name} runtime(s) are still live; dispose them first or run the two backends in separate processes`,
    );
  }
  throwIfUnavailable(name, await tfjsUnavailableReason(name));
  const spec = backendSpec(name);
  // Production mode: no debug checks, and no console banners (the cpu backend's "install
  // tfjs-node" advice) mixed into benchmark output.
  tf.enableProdMode();
  const details: BackendFacts['details'] = { package: spec.packageName, tfjsCoreVersion: tf.version_core, prodMode: true };
  if (name === 'tfjs-wasm') Object.assign(details, await prepareWasm(threadsRequested));
  if (name === 'tfjs-cpu') await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend(spec.tfBackend))) throw new Error(`${name}: TF.js failed to initialize backend ${spec.tfBackend}`);
  await tf.ready();
  const threads = name === 'tfjs-wasm' ? (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount() : 1;
  if (name === 'tfjs-wasm') {
    details.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    details.multithreadSupported = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  if (spec.tfBackend === 'tensorflow') details.threadsNote = 'libtensorflow picks its own intra-op thread pool';
  const facts: BackendFacts = { tfBackend: spec.tfBackend, threads, details };
  active = { name, users: (active?.name === name ? active.users : 0) + 1, facts };
  return facts;
}

/** One user of the active backend is gone. */
export function releaseBackend(name: TfjsRuntimeName): void {
  if (active?.name === name && active.users > 0) active.users -= 1;
}

let wasmPrepared: Record<string, string | number | boolean> | undefined;

/**
 * Point the wasm backend at its .wasm files in node_modules (no network) and ask for threads.
 * Both only take effect before the backend's first initialization, hence once per process.
 */
async function prepareWasm(threadsRequested: number | undefined): Promise<Record<string, string | number | boolean>> {
  if (wasmPrepared) return wasmPrepared;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmDirectory());
  // Node lacks the worker setup the threaded build needs, so the backend stays at 1 thread here;
  // the request is still passed so a platform that supports it gets it, and both are recorded.
  if (threadsRequested !== undefined) wasm.setThreadsCount(threadsRequested);
  wasmPrepared = { wasmPath: wasmDirectory(), threadsRequested: threadsRequested ?? 'default' };
  return wasmPrepared;
}
