/**
 * The TF.js backends ugbench can run on, how to tell whether each is usable here, and how to
 * make it the active one. TF.js keeps one global engine with one active backend per process, so
 * every TF.js runtime in a process must use the same backend (enforced in activateBackend).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { UnavailableError } from '../../harness/errors.ts';

export const TFJS_RUNTIMES = ['tfjs-wasm', 'tfjs-cpu', 'tfjs-node', 'tfjs-node-gpu'] as const;
export type TfjsRuntimeName = (typeof TFJS_RUNTIMES)[number];

interface BackendSpec {
  /** the name TF.js registers the backend under */
  tfBackend: 'wasm' | 'cpu' | 'tensorflow';
  /** npm package that provides it */
  packageName: string;
  /** what to tell a user who does not have the package */
  installHint: string;
}

const SPECS: Record<TfjsRuntimeName, BackendSpec> = {
  'tfjs-wasm': {
    tfBackend: 'wasm',
    packageName: '@tensorflow/tfjs-backend-wasm',
    installHint: 'it is a dependency of ugbench: run npm ci',
  },
  'tfjs-cpu': {
    tfBackend: 'cpu',
    packageName: '@tensorflow/tfjs-backend-cpu',
    installHint: 'it is a dependency of ugbench: run npm ci',
  },
  'tfjs-node': {
    tfBackend: 'tensorflow',
    packageName: '@tensorflow/tfjs-node',
    installHint: 'its install downloads libtensorflow; run npm install @tensorflow/tfjs-node@4.22.0 on a machine with internet',
  },
  'tfjs-node-gpu': {
    tfBackend: 'tensorflow',
    packageName: '@tensorflow/tfjs-node-gpu',
    installHint: 'its install downloads libtensorflow with CUDA; run npm install @tensorflow/tfjs-node-gpu on a GPU machine with internet',
  },
};

export function backendSpec(name: TfjsRuntimeName): Readonly<BackendSpec> {
  return SPECS[name];
}

const require = createRequire(import.meta.url);

/** The directory holding the wasm backend's .wasm files (read from disk: works offline). */
export function wasmDirectory(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

function isInstalled(packageName: string): boolean {
  try {
    require.resolve(`${packageName}/package.json`);
    return true;
  } catch {
    return false;
  }
}

const loadFailures = new Map<TfjsRuntimeName, string | undefined>();

/**
 * Why this TF.js runtime cannot run here, or undefined when it can. For the node backends this
 * loads the package once (an installed package whose native binding failed to download is as
 * unusable as an absent one, and only loading it tells).
 */
export async function tfjsUnavailableReason(name: TfjsRuntimeName): Promise<string | undefined> {
  const spec = SPECS[name];
  if (!isInstalled(spec.packageName)) return `package ${spec.packageName} is not installed (${spec.installHint})`;
  if (name === 'tfjs-wasm') {
    const missing = WASM_FILES.filter((file) => !existsSync(wasmDirectory() + file));
    if (missing.length > 0) return `${spec.packageName} is installed without ${missing.join(', ')} in ${wasmDirectory()} (reinstall it: npm ci)`;
    return undefined;
  }
  if (spec.tfBackend !== 'tensorflow') return undefined;
  if (!loadFailures.has(name)) loadFailures.set(name, await loadNodeBackend(spec.packageName));
  return loadFailures.get(name);
}

/** Import a tfjs-node package (registers the 'tensorflow' backend); the failure message, if any. */
async function loadNodeBackend(packageName: string): Promise<string | undefined> {
  try {
    // A variable specifier: the package is optional and has no types when absent.
    const specifier: string = packageName;
    await import(specifier);
    return undefined;
  } catch (error) {
    return `package ${packageName} is installed but failed to load (${(error as Error).message.split('\n')[0]}); reinstall it where libtensorflow can be downloaded`;
  }
}

export function throwIfUnavailable(name: TfjsRuntimeName, reason: string | undefined): void {
  if (reason !== undefined) throw new UnavailableError(name, reason);
}
