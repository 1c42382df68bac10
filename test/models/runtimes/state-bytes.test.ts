/**
 * Exact user-state sizes where a formula gives them. What the group pass reads per user, as
 * float32: L x (Tu*Tg*d slices + Tg*D compensation) + D for the pooled user sum. The cost model's
 * userStateBytes counts the sum as float64 (the reference keeps it so): 4*D bytes more.
 */
import { describe, expect, it } from 'vitest';
import { derive, type ModelConfig } from '../../../models/config.ts';
import { userStateBytes } from '../../../models/cost.ts';
import { syntheticRequest } from '../../../models/requests.ts';
import { createOrtRuntime } from '../../../models/runtimes/ort.ts';
import { createReferenceRuntime } from '../../../models/runtimes/reference.ts';
import { createTfjsRuntime } from '../../../models/runtimes/tfjs.ts';
import { generateWeights } from '../../../models/weights/generate.ts';
import { MID } from '../reference/fixtures.ts';

function float32StateBytes(config: ModelConfig, compensation: boolean): number {
  const s = derive(config);
  return 4 * (s.L * (s.Tu * s.Tg * s.d + (compensation ? s.Tg * s.D : 0)) + s.D);
}

const weights = generateWeights(MID, { seed: 5 });
const request = syntheticRequest(MID, 6, 'u', 'r', 3);

describe.each([
  ['ugsep', true],
  ['ugsep-nocomp', false],
] as const)('%s user state', (variant, compensation) => {
  it('cost model: float32 slices and compensation, float64 sum', () => {
    expect(userStateBytes(MID, variant)).toBe(float32StateBytes(MID, compensation) + 4 * MID.D);
  });

  it('reference runtime reports the cost model figure (its sum is float64)', async () => {
    const state = await createReferenceRuntime(weights, variant).userPass!(request.userFeatures);
    expect(state.bytes).toBe(userStateBytes(MID, variant));
  });

  it('tfjs-wasm holds and reports exactly the float32 state', async () => {
    const runtime = await createTfjsRuntime('tfjs-wasm', weights, variant);
    try {
      const state = await runtime.userPass!(request.userFeatures);
      expect(state.bytes).toBe(float32StateBytes(MID, compensation));
      state.dispose?.();
    } finally {
      await runtime.dispose();
    }
  });

  it('ort-cpu holds exactly the float32 state in its tensors', async () => {
    const runtime = await createOrtRuntime(weights, variant);
    try {
      const state = (await runtime.userPass!(request.userFeatures)) as unknown as { tensors: Record<string, { size: number; type: string }>; bytes: number; dispose(): void };
      const held = Object.values(state.tensors).reduce((sum, t) => sum + 4 * t.size, 0);
      expect(Object.values(state.tensors).every((t) => t.type === 'float32')).toBe(true);
      expect(held).toBe(float32StateBytes(MID, compensation));
      state.dispose();
    } finally {
      await runtime.dispose();
    }
  });

  // Known defect, kept visible: ORT reports the cost model's figure (8-byte sum) for a state it
  // holds as float32, so ORT and TF.js report different bytes for the same state. When ORT reports
  // what it holds, this test starts failing: turn it into a plain `it`.
  it.fails('ort-cpu reports the bytes it holds (known: it reports userStateBytes, 4*D more)', async () => {
    const runtime = await createOrtRuntime(weights, variant);
    try {
      const state = await runtime.userPass!(request.userFeatures);
      expect(state.bytes).toBe(float32StateBytes(MID, compensation));
    } finally {
      await runtime.dispose();
    }
  });
});
