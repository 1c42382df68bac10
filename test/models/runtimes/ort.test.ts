/** The onnxruntime-node ScoringRuntime: contract, facts it reports, absent providers. */
import { describe, expect, it } from 'vitest';
import { InputError, UnavailableError } from '../../../harness/errors.ts';
import { createReferenceRuntime } from '../../../models/runtimes/reference.ts';
import { createOrtRuntime } from '../../../models/runtimes/ort.ts';
import { providerUnavailableReason } from '../../../models/runtimes/ort-providers.ts';
import { createRuntime, resolveRuntime, runtimeUnavailableReason, RUNTIME_PREFERENCE } from '../../../models/runtimes/registry.ts';
import { syntheticRequest } from '../../../models/requests.ts';
import { generateWeights } from '../../../models/weights/generate.ts';
import { MID } from '../reference/fixtures.ts';
import { maxRelDiff } from '../onnx/ort-fixtures.ts';

const weights = generateWeights(MID, { seed: 9 });
const request = syntheticRequest(MID, 10, 'user', 'request', 12);
/** CPU fp32 against the reference (observed ~1e-7; ort-parity.test.ts holds the negative control). */
const CPU_RELATIVE = 1e-6;
/** GPU fp32: CUDA and TensorRT may run fp32 MatMul in TF32 (10-bit mantissa) on Ampere and later. */
const GPU_RELATIVE = 1e-3;
const GPU_PROVIDERS = [
  { provider: 'cuda', reasonPattern: /libonnxruntime_providers_cuda\.so|NVIDIA|cuda execution provider failed/ },
  { provider: 'tensorrt', reasonPattern: /libonnxruntime_providers_tensorrt\.so|NVIDIA|tensorrt execution provider failed/ },
  { provider: 'webgpu', reasonPattern: /WebGPU adapter|webgpu execution provider failed/ },
] as const;
const detected = await Promise.all(GPU_PROVIDERS.map(async (p) => ({ ...p, reason: await providerUnavailableReason(p.provider) })));

describe('ort-cpu runtime', () => {
  it.each(['baseline', 'ugsep', 'ugsep-nocomp'] as const)('%s scores equal the reference within 1e-6 relative', async (variant) => {
    const runtime = await createRuntime('ort-cpu', weights, variant, {});
    const reference = createReferenceRuntime(weights, variant);
    try {
      const got = await runtime.score(request.userFeatures, request.groupFeatures);
      const expected = await reference.score(request.userFeatures, request.groupFeatures);
      const diff = maxRelDiff(got, expected);
      console.log(`ort-cpu ${variant}: max relative difference vs reference ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(CPU_RELATIVE);
      // score() reuses its scratch state: a second request must not see the first one's user.
      const other = syntheticRequest(MID, 10, 'other-user', 'request-2', 3);
      const again = await runtime.score(other.userFeatures, other.groupFeatures);
      expect(maxRelDiff(again, await reference.score(other.userFeatures, other.groupFeatures))).toBeLessThanOrEqual(CPU_RELATIVE);
    } finally {
      await runtime.dispose();
    }
  });

  it('concurrent score() calls for different users do not mix their user states', async () => {
    const runtime = await createOrtRuntime(weights, 'ugsep');
    const reference = createReferenceRuntime(weights, 'ugsep');
    try {
      const requests = Array.from({ length: 4 }, (_, i) => syntheticRequest(MID, 10, `user-${i}`, `request-${i}`, 3 + i));
      const results = await Promise.all(requests.map((r) => runtime.score(r.userFeatures, r.groupFeatures)));
      for (const [i, r] of requests.entries()) {
        expect(maxRelDiff(results[i]!, await reference.score(r.userFeatures, r.groupFeatures))).toBeLessThanOrEqual(CPU_RELATIVE);
      }
    } finally {
      await runtime.dispose();
    }
  });

  it('userPass / groupPass: one state, two batches, same scores as score()', async () => {
    const runtime = await createOrtRuntime(weights, 'ugsep');
    try {
      const state = await runtime.userPass!(request.userFeatures);
      expect(state.bytes).toBeGreaterThan(0);
      const second = syntheticRequest(MID, 10, 'user', 'request-b', 5);
      const a = await runtime.groupPass!(state, request.groupFeatures);
      const b = await runtime.groupPass!(state, second.groupFeatures);
      expect(Array.from(a)).toEqual(Array.from(await runtime.score(request.userFeatures, request.groupFeatures)));
      expect(Array.from(b)).toEqual(Array.from(await runtime.score(second.userFeatures, second.groupFeatures)));
      state.dispose?.();
    } finally {
      await runtime.dispose();
    }
  });

  it('monolithic execution (no reuse) gives the split scores', async () => {
    const split = await createOrtRuntime(weights, 'ugsep');
    const mono = await createOrtRuntime(weights, 'ugsep', { execution: 'monolithic' });
    const a = await split.score(request.userFeatures, request.groupFeatures);
    const b = await mono.score(request.userFeatures, request.groupFeatures);
    expect(maxRelDiff(a, b)).toBeLessThanOrEqual(1e-6);
    expect(mono.info.details.execution).toBe('monolithic');
    // eslint-disable-next-line @typescript-eslint/unbound-method -- read only to show it is absent, never called
    expect(mono.userPass).toBeUndefined();
    await split.dispose();
    await mono.dispose();
  });

  it('reports provider, threads, settings and the precision that ran', async () => {
    const fp32 = await createOrtRuntime(weights, 'ugsep', { threads: 1 });
    expect(fp32.info).toMatchObject({ runtime: 'ort', provider: 'cpu', threads: 1, weightPrecision: 'fp32', activationPrecision: 'fp32' });
    expect(fp32.info.details['session.intra_op.spin_duration_us']).toBe(50);
    await fp32.dispose();
    const qdq = await createOrtRuntime(weights, 'ugsep-w8a16', { int8Kernel: 'qdq' }); // explicit: auto picks per machine
    expect(qdq.info.weightPrecision).toMatch(/^int8/);
    expect(qdq.info.activationPrecision).toMatch(/int8 dynamic activations \(ORT CPU MatMulNBits accuracy level 4\b/);
    await qdq.dispose();
    const strict = await createOrtRuntime(weights, 'ugsep-w8a16', { int8Kernel: 'strict' });
    expect(strict.info.activationPrecision).toContain('fp16-rounded activations');
    expect(strict.info.details.int8Kernel).toBe('strict');
    await strict.dispose();
  });

  it('rejects malformed requests with the field named', async () => {
    const runtime = await createOrtRuntime(weights, 'ugsep');
    await expect(runtime.score(new Float32Array(3), request.groupFeatures)).rejects.toThrow(InputError);
    await expect(runtime.score(request.userFeatures, new Float32Array(MID.Fg + 1))).rejects.toThrow(/group_features: expected N >= 1 rows/);
    await runtime.dispose();
  });
});

describe('execution providers', () => {
  it('ort-cpu is available and first in the preference order', async () => {
    expect(await runtimeUnavailableReason('ort-cpu')).toBeUndefined();
    expect(RUNTIME_PREFERENCE[0]).toBe('ort-cpu');
    expect(await resolveRuntime('auto')).toBe('ort-cpu');
  });

  // Each GPU provider is detected once; the absent test runs where it is absent, the present
  // test where it runs (a GPU host with the provider libraries), never on an assumption.
  describe.each(detected)('$provider', ({ provider, reasonPattern, reason }) => {
    it.runIf(reason !== undefined)('absent: one clear line naming why, and UnavailableError instead of a crash', async () => {
      console.log(`${provider}: ${reason}`);
      expect(reason).toMatch(reasonPattern);
      expect(reason).not.toContain('\n');
      expect(await runtimeUnavailableReason(`ort-${provider}`)).toBe(reason);
      const attempt = createOrtRuntime(weights, 'ugsep-w8a16', { provider });
      await expect(attempt).rejects.toThrow(UnavailableError);
      await expect(attempt).rejects.toThrow(`ORT execution provider ${provider} is not available: ${reason}`);
    });

    it.runIf(reason === undefined)('present: scores within tolerance of the reference, and the provider that ran is recorded', async () => {
      expect(await runtimeUnavailableReason(`ort-${provider}`)).toBeUndefined();
      const runtime = await createOrtRuntime(weights, 'ugsep', { provider });
      try {
        const got = await runtime.score(request.userFeatures, request.groupFeatures);
        const diff = maxRelDiff(got, await createReferenceRuntime(weights, 'ugsep').score(request.userFeatures, request.groupFeatures));
        console.log(`ort-${provider} ugsep: max relative difference vs reference ${diff.toExponential(2)} (bound ${GPU_RELATIVE})`);
        expect(runtime.info.provider).toBe(provider);
        expect(diff).toBeLessThanOrEqual(GPU_RELATIVE);
      } finally {
        await runtime.dispose();
      }
    });
  });
});
