/**
 * ugsep-w8a16 on TF.js is int8 storage with fp32 compute, and says so. Its scores equal the
 * reference ugsep run on the same int8-rounded weights (fp32 activations); against the
 * reference ugsep-w8a16 (fp16-rounded activations) they differ by the fp16 rounding only.
 */
import { describe, expect, it } from 'vitest';
import { ReferenceModel } from '../../../models/reference/model.ts';
import { syntheticRequest } from '../../../models/requests.ts';
import { createTfjsRuntime } from '../../../models/runtimes/tfjs.ts';
import { int8RoundTripWeights } from '../../../models/tfjs/int8-storage.ts';
import { generateWeights } from '../../../models/weights/generate.ts';
import { CANDIDATE_COUNTS, CONFIGS, PARITY_RELATIVE, backendsPresent, maxRelativeDiff } from './fixtures.ts';

const backends = await backendsPresent();

describe('TF.js ugsep-w8a16 (int8 storage, fp32 compute)', () => {
  it('labels what ran: int8 per-channel storage dequantized to fp32, fp32 activations, not W8A16', async () => {
    const weights = generateWeights(CONFIGS[0]!.config, { seed: 21 });
    const runtime = await createTfjsRuntime('tfjs-wasm', weights, 'ugsep-w8a16');
    try {
      expect(runtime.info.weightPrecision).toBe('int8 per-channel storage, dequantized to fp32 at load');
      expect(runtime.info.activationPrecision).toBe('fp32 (no fp16 in TF.js)');
      expect(String(runtime.info.details.w8a16)).toMatch(/^not W8A16/);
      expect(JSON.stringify(runtime.info)).not.toMatch(/fp16 activations|faster/);
    } finally {
      await runtime.dispose();
    }
    const fp32 = await createTfjsRuntime('tfjs-wasm', weights, 'ugsep');
    expect(fp32.info.weightPrecision).toBe('fp32');
    expect(fp32.info.details.w8a16).toBeUndefined();
    await fp32.dispose();
  });

  for (const backend of backends) {
    for (const { name, config } of CONFIGS) {
      it(`${backend} ${name}: equals reference ugsep on int8-rounded weights within ${PARITY_RELATIVE}`, async () => {
        const weights = generateWeights(config, { seed: 22 });
        const runtime = await createTfjsRuntime(backend, weights, 'ugsep-w8a16');
        const sameMath = new ReferenceModel(int8RoundTripWeights(weights), 'ugsep');
        const trueW8a16 = new ReferenceModel(weights, 'ugsep-w8a16');
        const fp32 = new ReferenceModel(weights, 'ugsep');
        try {
          for (const N of CANDIDATE_COUNTS) {
            const request = syntheticRequest(config, 8, 'u', `w${N}`, N);
            const got = await runtime.score(request.userFeatures, request.groupFeatures);
            const diff = maxRelativeDiff(got, sameMath.score(request.userFeatures, request.groupFeatures));
            const vsFp16 = maxRelativeDiff(got, trueW8a16.score(request.userFeatures, request.groupFeatures));
            const vsFp32 = maxRelativeDiff(got, fp32.score(request.userFeatures, request.groupFeatures));
            console.log(
              `w8a16 ${backend} ${name} N=${N}: vs reference(int8 weights, fp32 act) ${diff.toExponential(2)}; vs reference w8a16 (fp16 act) ${vsFp16.toExponential(2)}; vs fp32 ugsep ${vsFp32.toExponential(2)}`,
            );
            expect(diff).toBeLessThanOrEqual(PARITY_RELATIVE);
            // The int8 rounding is really applied: the scores move away from fp32 ugsep...
            expect(vsFp32).toBeGreaterThan(diff);
            // ...and stay close to the reference W8A16, which differs only in fp16 activations: well
            // inside the whole int8 effect, which fp32 weights (the negative control) would show.
            const effect = maxRelativeDiff(fp32.score(request.userFeatures, request.groupFeatures), trueW8a16.score(request.userFeatures, request.groupFeatures));
            console.log(`  int8 effect (reference w8a16 vs fp32 ugsep) ${effect.toExponential(2)}, bound ${(0.5 * effect).toExponential(2)}`);
            expect(vsFp16).toBeLessThan(0.5 * effect);
          }
        } finally {
          await runtime.dispose();
        }
      });
    }
  }
});
