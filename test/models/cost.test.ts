import { describe, expect, it } from 'vitest';
import { predictedSpeedup, requestCost, userStateBytes } from '../../models/cost.ts';
import { ReferenceModel } from '../../models/reference/model.ts';
import { newFlopCounter } from '../../models/reference/ops.ts';
import { MID, UNEVEN, fixture } from './reference/fixtures.ts';
import { VARIANTS } from '../../models/variants.ts';
import { presetConfig } from '../../models/presets.ts';

function counted(model: ReferenceModel, run: () => void) {
  Object.assign(model.flops, newFlopCounter());
  run();
  const { tokenizer, ffn, compensation, head } = model.flops;
  return { tokenizer, ffn, compensation, head, total: tokenizer + ffn + compensation + head };
}

describe('cost model FLOPs equal the operations the reference performs', () => {
  for (const config of [MID, UNEVEN]) {
    for (const N of [1, 5]) {
      for (const variant of VARIANTS) {
        it(`${variant} N=${N} T=${config.T} Tu=${config.Tu}`, () => {
          const { weights, request } = fixture(config, N);
          const model = new ReferenceModel(weights, variant);
          const whole = counted(model, () => model.score(request.userFeatures, request.groupFeatures));
          expect(whole).toEqual(requestCost({ config, variant, candidates: N }).flops);
          if (!model.traits.masked) return;
          const mono = counted(model, () => model.scoreMonolithic(request.userFeatures, request.groupFeatures));
          expect(mono).toEqual(requestCost({ config, variant, candidates: N, monolithic: true }).flops);
          const state = model.userPass(request.userFeatures);
          const hit = counted(model, () => model.groupPass(state, request.groupFeatures));
          expect(hit).toEqual(requestCost({ config, variant, candidates: N, userPassRan: false }).flops);
        });
      }
    }
  }
});

describe('cost model formulas', () => {
  it('ugsep saves (Tu/T)(1 - 1/N) of baseline FFN FLOPs, less the compensation', () => {
    const config = presetConfig('small');
    const f = 4 * config.k * config.D ** 2;
    for (const N of [1, 16, 256]) {
      const base = requestCost({ config, variant: 'baseline', candidates: N }).flops;
      const ug = requestCost({ config, variant: 'ugsep', candidates: N }).flops;
      expect(base.ffn).toBe(N * config.L * config.T * f);
      const Tg = config.T - config.Tu;
      expect(ug.ffn).toBe(config.L * f * (config.Tu + N * Tg));
      expect(ug.compensation).toBe(config.L * Tg * 2 * config.D ** 2);
      expect(1 - ug.ffn / base.ffn).toBeCloseTo((config.Tu / config.T) * (1 - 1 / N), 12);
    }
    expect(predictedSpeedup(config, 'ugsep', 256)).toBeGreaterThan(1.9);
    expect(predictedSpeedup(config, 'ugsep', 256)).toBeLessThan(2);
    expect(predictedSpeedup(config, 'ugsep', 1)).toBeLessThan(1); // compensation costs extra at N = 1
  });

  it('int8 weights read ~4x fewer weight bytes; a cache hit reads only group weights', () => {
    const config = presetConfig('wide');
    const fp32 = requestCost({ config, variant: 'ugsep', candidates: 4 });
    const int8 = requestCost({ config, variant: 'ugsep-w8a16', candidates: 4 });
    const ratio = fp32.weightBytes / int8.weightBytes;
    expect(ratio).toBeGreaterThan(3.5);
    expect(ratio).toBeLessThan(4);
    const hit = requestCost({ config, variant: 'ugsep', candidates: 4, userPassRan: false });
    expect(hit.weightBytes).toBeLessThan(fp32.weightBytes * 0.55);
    expect(fp32.arithmeticIntensity).toBeGreaterThan(0);
  });

  it('user state is a few KB on small and nothing for baseline', () => {
    const config = presetConfig('small');
    expect(userStateBytes(config, 'baseline')).toBe(0);
    const bytes = userStateBytes(config, 'ugsep');
    // L * (Tu*Tg*d + Tg*D) floats + D float64 sum
    expect(bytes).toBe(4 * 2 * (8 * 8 * 16 + 8 * 256) + 8 * 256);
    expect(userStateBytes(config, 'ugsep-nocomp')).toBeLessThan(bytes);
  });
});
