import { describe, expect, it } from 'vitest';
import { erf, gelu, roundToFp16 } from '../../../models/reference/ops.ts';

describe('reference ops', () => {
  it('erf matches tabulated values to 1e-14', () => {
    // erf values from Abramowitz & Stegun table 7.1 / high-precision sources
    const table: Array<[number, number]> = [
      [0, 0],
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [2.5, 0.9995930479825550],
      [3, 0.9999779095030014],
      [4, 0.9999999845827421],
    ];
    let maxError = 0;
    for (const [x, want] of table) {
      maxError = Math.max(maxError, Math.abs(erf(x) - want), Math.abs(erf(-x) + want));
    }
    console.log(`erf max abs error ${maxError.toExponential(2)}`);
    expect(maxError).toBeLessThan(1e-14);
  });

  it('gelu is the exact erf form', () => {
    expect(gelu(0)).toBe(0);
    expect(gelu(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(gelu(-1)).toBeCloseTo(-0.15865525393145707, 14);
  });

  it('rounds to fp16 with ties to even, subnormals and overflow', () => {
    expect(roundToFp16(1)).toBe(1);
    expect(roundToFp16(1 + 2 ** -11)).toBe(1); // tie between 1 and 1+2^-10 -> even (1)
    expect(roundToFp16(1 + 3 * 2 ** -11)).toBe(1 + 2 * 2 ** -10); // tie -> even mantissa
    expect(roundToFp16(1 + 2 ** -10)).toBe(1 + 2 ** -10);
    expect(roundToFp16(0.1)).toBe(0.0999755859375);
    expect(roundToFp16(65504)).toBe(65504);
    expect(roundToFp16(70000)).toBe(Infinity);
    expect(roundToFp16(-70000)).toBe(-Infinity);
    expect(roundToFp16(2 ** -24)).toBe(2 ** -24); // smallest subnormal
    expect(roundToFp16(2 ** -26)).toBe(0);
    expect(roundToFp16(3 * 2 ** -25)).toBe(2 * 2 ** -24); // tie in subnormals -> even
    expect(roundToFp16(-2.5)).toBe(-2.5);
  });
});
