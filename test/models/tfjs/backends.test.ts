/**
 * TF.js backends in the runtime registry: detection with clear reasons, what `auto` picks, the
 * facts recorded in RuntimeInfo, one backend per process, and `ugbench score --runtime tfjs-wasm`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../../harness/errors.ts';
import { ReferenceModel } from '../../../models/reference/model.ts';
import { syntheticRequest } from '../../../models/requests.ts';
import { RUNTIME_NAMES, RUNTIME_PREFERENCE, createRuntime, runtimeUnavailableReason } from '../../../models/runtimes/registry.ts';
import { generateWeights } from '../../../models/weights/generate.ts';
import { readSafetensors, writeSafetensors } from '../../../models/weights/safetensors.ts';
import { runCli } from '../../cli/run-cli.ts';
import { CONFIGS, PARITY_RELATIVE, maxRelativeDiff } from './fixtures.ts';

function installed(packageName: string): boolean {
  try {
    createRequire(import.meta.url).resolve(`${packageName}/package.json`);
    return true;
  } catch {
    return false;
  }
}

const weights = generateWeights(CONFIGS[0]!.config, { seed: 41 });
/** The native TF.js backends, detected once: installed or not, and whether they load. */
const NODE_BACKENDS = await Promise.all(
  (
    [
      ['tfjs-node-gpu', '@tensorflow/tfjs-node-gpu', 'its install downloads libtensorflow with CUDA; run npm install @tensorflow/tfjs-node-gpu on a GPU machine with internet'],
      ['tfjs-node', '@tensorflow/tfjs-node', 'its install downloads libtensorflow; run npm install @tensorflow/tfjs-node@4.22.0 on a machine with internet'],
    ] as const
  ).map(async ([name, packageName, hint]) => ({ name, packageName, hint, present: installed(packageName), reason: await runtimeUnavailableReason(name) })),
);

describe('TF.js in the runtime registry', () => {
  it('lists the four TF.js runtimes; auto prefers ort-cpu, then tfjs-wasm, then reference', () => {
    expect(RUNTIME_NAMES).toEqual(expect.arrayContaining(['tfjs-wasm', 'tfjs-cpu', 'tfjs-node', 'tfjs-node-gpu']));
    const order = (name: string) => RUNTIME_PREFERENCE.indexOf(name as (typeof RUNTIME_PREFERENCE)[number]);
    expect(order('ort-cpu')).toBe(0);
    expect(order('tfjs-wasm')).toBeGreaterThan(order('ort-cpu'));
    expect(order('tfjs-wasm')).toBeLessThan(order('reference'));
  });

  it('tfjs-wasm and tfjs-cpu are available here (wasm files read from node_modules)', async () => {
    expect(await runtimeUnavailableReason('tfjs-wasm')).toBeUndefined();
    expect(await runtimeUnavailableReason('tfjs-cpu')).toBeUndefined();
  });

  for (const { name, packageName, hint, present, reason } of NODE_BACKENDS) {
    it.runIf(!present)(`${name}: ${packageName} not installed -> one clear reason and UnavailableError`, async () => {
      const expected = `${name} is not available: package ${packageName} is not installed (${hint})`;
      expect(reason).toBe(`package ${packageName} is not installed (${hint})`);
      const attempt = createRuntime(name, weights, 'ugsep', {});
      await expect(attempt).rejects.toBeInstanceOf(UnavailableError);
      await expect(attempt).rejects.toThrow(expected);
    });

    it.runIf(present && reason !== undefined)(`${name}: installed but its binding fails -> one clear reason`, () => {
      expect(reason).toMatch(/is installed but failed to load/);
      expect(reason).not.toContain('\n');
    });

    it.runIf(present && reason === undefined)(`${name}: installed and loading -> scores within tolerance of the reference, backend recorded`, async () => {
      const runtime = await createRuntime(name, weights, 'ugsep', {});
      try {
        const request = syntheticRequest(weights.config, 3, 'u', 'r', 4);
        const expected = new ReferenceModel(weights, 'ugsep').score(request.userFeatures, request.groupFeatures);
        const diff = maxRelativeDiff(await runtime.score(request.userFeatures, request.groupFeatures), expected);
        console.log(`${name}: max relative diff vs reference ${diff.toExponential(2)}; info ${JSON.stringify(runtime.info)}`);
        expect(runtime.info.runtime).toBe(name);
        expect(diff).toBeLessThanOrEqual(PARITY_RELATIVE);
      } finally {
        await runtime.dispose();
      }
    });
  }

  it('tfjs-wasm via createRuntime: records backend, threads and SIMD; split and score agree with the reference', async () => {
    const runtime = await createRuntime('tfjs-wasm', weights, 'ugsep', { threads: 2 });
    try {
      console.log(`tfjs-wasm info: ${JSON.stringify(runtime.info)}`);
      expect(runtime.info).toMatchObject({ runtime: 'tfjs-wasm', provider: 'wasm', weightPrecision: 'fp32', activationPrecision: 'fp32' });
      expect(runtime.info.details.simd).toBe(true);
      // Threads actually used are what the backend reports, whatever was asked for (Node: 1).
      expect(runtime.info.threads).toBe(runtime.info.details.multithreadSupported ? 2 : 1);
      expect(runtime.info.details.threadsRequested).toBe(2);
      const request = syntheticRequest(weights.config, 3, 'u', 'r', 4);
      const expected = new ReferenceModel(weights, 'ugsep').score(request.userFeatures, request.groupFeatures);
      const state = await runtime.userPass!(request.userFeatures);
      expect(maxRelativeDiff(await runtime.groupPass!(state, request.groupFeatures), expected)).toBeLessThanOrEqual(PARITY_RELATIVE);
      state.dispose?.();
    } finally {
      await runtime.dispose();
    }
  });

  it('one TF.js backend per process: a second backend is refused while the first has live runtimes', async () => {
    const wasm = await createRuntime('tfjs-wasm', weights, 'baseline', {});
    await expect(createRuntime('tfjs-cpu', weights, 'baseline', {})).rejects.toThrow(/TF.js has one engine per process and 1 tfjs-wasm runtime\(s\) are still live/);
    await wasm.dispose();
    const cpu = await createRuntime('tfjs-cpu', weights, 'baseline', {});
    expect(cpu.info.provider).toBe('cpu');
    await cpu.dispose();
  });

  it('runs from a safetensors weights file exactly as from the generated weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ugbench-tfjs-'));
    const path = join(dir, 'w.safetensors');
    writeSafetensors(path, weights);
    const request = syntheticRequest(weights.config, 4, 'u', 'r', 3);
    const fromFile = await createRuntime('tfjs-wasm', readSafetensors(path), 'ugsep', {});
    const generated = await createRuntime('tfjs-wasm', weights, 'ugsep', {});
    expect(await fromFile.score(request.userFeatures, request.groupFeatures)).toEqual(await generated.score(request.userFeatures, request.groupFeatures));
    await fromFile.dispose();
    await generated.dispose();
  });

  it('ugbench score --runtime tfjs-wasm prints scores matching the reference', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ugbench-tfjs-cli-'));
    const weightsPath = join(dir, 'w.safetensors');
    const requestPath = join(dir, 'request.json');
    writeSafetensors(weightsPath, weights);
    const request = syntheticRequest(weights.config, 5, 'u', 'r', 3);
    const Fg = weights.config.Fg;
    const groups = Array.from({ length: 3 }, (_, n) => Array.from(request.groupFeatures.subarray(n * Fg, (n + 1) * Fg)));
    writeFileSync(requestPath, JSON.stringify({ user_features: Array.from(request.userFeatures), group_features: groups }));
    for (const variant of ['baseline', 'ugsep', 'ugsep-nocomp'] as const) {
      const scored = runCli(['score', '--weights', weightsPath, '--request', requestPath, '--variant', variant, '--runtime', 'tfjs-wasm']);
      expect(scored.stderr).toBe('');
      expect(scored.status).toBe(0);
      const expected = new ReferenceModel(weights, variant).score(request.userFeatures, request.groupFeatures);
      expect(maxRelativeDiff(JSON.parse(scored.stdout) as number[], expected)).toBeLessThanOrEqual(PARITY_RELATIVE);
    }
    if (!installed('@tensorflow/tfjs-node-gpu')) {
      const gpu = runCli(['score', '--weights', weightsPath, '--request', requestPath, '--runtime', 'tfjs-node-gpu']);
      expect(gpu.status).toBe(104); // invalid input: the runtime asked for cannot run here
      expect(gpu.stderr).toContain('tfjs-node-gpu is not available: package @tensorflow/tfjs-node-gpu is not installed');
    }
  });
});
