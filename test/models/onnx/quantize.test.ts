/** Known answers for the W8A16 weight quantizer (models/weights/quantize.ts). */
import { describe, expect, it } from 'vitest';
import { dequantizeStack, quantizePerChannel } from '../../../models/weights/quantize.ts';

describe('quantizePerChannel: symmetric int8 per output column', () => {
  // W [K=3, N=4], row-major: column 0 max 2.54, column 1 max 1, column 2 all zero, column 3 max 127.
  const w = new Float32Array([
    2.54, 0.5, 0, -127, //
    -1.27, -1, 0, 0.4, //
    0.005, 0.0049, 0, 63.5,
  ]);
  const { q, scale } = quantizePerChannel(w, 0, 3, 4);

  it('scale = column max |w| / 127; a zero column gets scale 1 (q all 0)', () => {
    expect(Array.from(scale)).toEqual([Math.fround(2.54 / 127), Math.fround(1 / 127), 1, 1]);
  });

  it('rounds w / scale to the nearest integer, the column max to +-127', () => {
    // column 0: 2.54 / 0.02 = 127, -1.27 / 0.02 = -63.5 -> -63 or -64 (Math.round: -63), 0.005 / 0.02 = 0.25 -> 0
    // column 1: 0.5 * 127 = 63.5 -> 64, -127, 0.0049 * 127 = 0.62 -> 1
    // column 3: scale 1: -127, 0.4 -> 0, 63.5 -> 64
    expect(Array.from(q)).toEqual([127, 64, 0, -127, Math.round(-1.27 / scale[0]!), -127, 0, 0, 0, 1, 0, 64]);
  });

  it('clips to [-127, 127] (never -128) even when float division lands past the max', () => {
    const m = quantizePerChannel(new Float32Array([-3, 1, 3, 2]), 0, 2, 2);
    expect(Math.min(...m.q)).toBe(-127);
    expect(Math.max(...m.q)).toBe(127);
  });

  it('dequantizes to q * scale exactly (float32)', () => {
    const back = dequantizeStack([{ q, scale }], 3, 4);
    for (let i = 0; i < q.length; i++) expect(back[i]).toBe(Math.fround(q[i]! * scale[i % 4]!));
    // Error at most half a step per value.
    for (let i = 0; i < q.length; i++) expect(Math.abs(back[i]! - w[i]!)).toBeLessThanOrEqual(scale[i % 4]! / 2 + 1e-7);
  });

  it('reads the matrix at an offset (one token of a stack)', () => {
    const stack = new Float32Array([9, 9, 1, -2]);
    const m = quantizePerChannel(stack, 2, 1, 2);
    expect(Array.from(m.q)).toEqual([127, -127]);
    expect(Array.from(m.scale)).toEqual([Math.fround(1 / 127), Math.fround(2 / 127)]);
  });
});
