/**
 * Which onnxruntime-node execution providers can run here, and why not when they cannot.
 * Detection never assumes: the package lists `cuda` and `tensorrt` even when their shared
 * libraries were not downloaded (the default install here skips them), and lists `webgpu`
 * even when no adapter exists. We check files first (silent), then probe with a one-node
 * session only when the files are there, and cache the answer per process.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GraphBuilder } from '../onnx/builder.ts';
import { OPSETS } from '../onnx/options.ts';
import { disableOrtTelemetry } from './ort-env.ts';

export const ORT_PROVIDERS = ['cpu', 'cuda', 'tensorrt', 'webgpu'] as const;
export type OrtProvider = (typeof ORT_PROVIDERS)[number];

export type OrtModule = typeof import('onnxruntime-node');

let ortModule: Promise<OrtModule | string> | undefined;

/** The onnxruntime-node module, or why it cannot be loaded (an optional native package). */
export function loadOrt(): Promise<OrtModule | string> {
  disableOrtTelemetry();
  ortModule ??= import('onnxruntime-node').then(
    (m) => m as OrtModule,
    (error: unknown) => `onnxruntime-node could not be loaded (${error instanceof Error ? error.message : String(error)}); install it with \`npm install onnxruntime-node\``,
  );
  return ortModule;
}

/** Folder holding libonnxruntime.so and, when installed, the provider libraries. */
export function ortBinaryDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const root = dirname(dirname(require.resolve('onnxruntime-node'))); // .../onnxruntime-node
    const bin = join(root, 'bin');
    for (const napi of readdirSync(bin)) {
      const dir = join(bin, napi, process.platform, process.arch);
      if (existsSync(dir)) return dir;
    }
  } catch {
    // fall through: no binary folder found
  }
  return undefined;
}

const reasons = new Map<OrtProvider, Promise<string | undefined>>();

/** Why `provider` cannot run here, or undefined when a probe session ran on it. */
export function providerUnavailableReason(provider: OrtProvider): Promise<string | undefined> {
  let reason = reasons.get(provider);
  if (!reason) {
    reason = detect(provider);
    reasons.set(provider, reason);
  }
  return reason;
}

async function detect(provider: OrtProvider): Promise<string | undefined> {
  const ort = await loadOrt();
  if (typeof ort === 'string') return ort;
  const listed = ort.listSupportedBackends().find((b) => b.name === provider);
  if (!listed) return `this onnxruntime-node ${ort.env.versions.node ?? ''} build has no ${provider} execution provider on ${process.platform}-${process.arch}`;
  if (provider === 'cpu') return undefined;
  const dir = ortBinaryDir();
  if (provider === 'cuda' || provider === 'tensorrt') {
    const lib = `libonnxruntime_providers_${provider}.so`;
    if (!dir || !existsSync(join(dir, lib))) {
      return `onnxruntime-node was installed without its ${provider.toUpperCase()} provider (${lib} not found in ${dir ?? 'the package'}): on a GPU machine with internet, run ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install (docs/runtimes.md "CUDA and TensorRT")`;
    }
    if (!existsSync('/dev/nvidiactl') && !existsSync('/dev/nvidia0')) return `no NVIDIA GPU device (/dev/nvidia0) on this machine`;
  }
  if (provider === 'webgpu' && process.platform === 'linux' && !vulkanPresent()) {
    return 'no WebGPU adapter: Dawn needs Vulkan on Linux and libvulkan.so.1 was not found (no GPU driver)';
  }
  return probe(ort, provider);
}

function vulkanPresent(): boolean {
  const dirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib'];
  return dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')));
}

/** A one-node session on the provider: the only proof that it really runs here. */
async function probe(ort: OrtModule, provider: OrtProvider): Promise<string | undefined> {
  const g = new GraphBuilder('probe');
  g.output(g.op1('Relu', [g.input('x', 'float', [1])]), 'y', 'float', [1]);
  try {
    const session = await ort.InferenceSession.create(g.encode(OPSETS), { executionProviders: [provider], logSeverityLevel: 4 });
    await session.run({ x: new ort.Tensor('float32', Float32Array.from([1]), [1]) });
    await session.release();
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `the ${provider} execution provider failed to start: ${message.split('\n')[0]}`;
  }
}
