/** `ugbench score --runtime ort-cpu`: the same contract as the reference runtime. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import { presetConfig } from '../../../models/presets.ts';
import { syntheticRequest } from '../../../models/requests.ts';
import { generateWeights } from '../../../models/weights/generate.ts';
import { writeSafetensors } from '../../../models/weights/safetensors.ts';
import { providerUnavailableReason } from '../../../models/runtimes/ort-providers.ts';

/** Detected: the absent-provider test runs only where CUDA really is absent. */
const cudaReason = await providerUnavailableReason('cuda');
const dir = mkdtempSync(join(tmpdir(), 'ugbench-ort-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function score(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(['node', 'ugbench', 'score', ...args]), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('ugbench score --runtime ort-cpu', () => {
  const config = presetConfig('tiny');
  const weightsPath = join(dir, 'tiny.safetensors');
  const requestPath = join(dir, 'request.json');
  writeSafetensors(weightsPath, generateWeights(config, { seed: 2 }));
  const request = syntheticRequest(config, 3, 'u', 'r', 5);
  const rows = Array.from({ length: 5 }, (_, n) => Array.from(request.groupFeatures.subarray(n * config.Fg, (n + 1) * config.Fg)));
  writeFileSync(requestPath, JSON.stringify({ user_features: Array.from(request.userFeatures), group_features: rows }));

  it.each(['baseline', 'ugsep', 'ugsep-w8a16'])('%s: prints the reference scores', async (variant) => {
    const ortRun = await score(['--weights', weightsPath, '--request', requestPath, '--variant', variant, '--runtime', 'ort-cpu']);
    const refRun = await score(['--weights', weightsPath, '--request', requestPath, '--variant', variant, '--runtime', 'reference']);
    expect(ortRun.code).toBe(0);
    const got = JSON.parse(ortRun.stdout) as number[];
    const expected = JSON.parse(refRun.stdout) as number[];
    expect(got).toHaveLength(5);
    const tolerance = variant === 'ugsep-w8a16' ? 2e-2 : 1e-6; // w8a16 on CPU quantizes activations to int8
    got.forEach((v, i) => expect(Math.abs(v - expected[i]!) / expected[i]!).toBeLessThanOrEqual(tolerance));
  });

  it.runIf(cudaReason !== undefined)('an absent provider exits 104 with its reason, not a crash', async () => {
    const run = await score(['--weights', weightsPath, '--request', requestPath, '--runtime', 'ort-cuda']);
    expect(run.code).toBe(104);
    expect(run.stderr).toMatch(/ORT execution provider cuda is not available: .*libonnxruntime_providers_cuda\.so/);
  });
});
