/** float32 -> IEEE fp16 bit patterns, for fp16 initializers (scales of the CUDA W8A16 graph). */
import { roundToFp16 } from '../reference/ops.ts';

/** Bits of the fp16 value nearest to `value` (ties to even, via the reference's rounding). */
export function fp16Bits(value: number): number {
  const v = roundToFp16(value); // exactly representable in fp16 now
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (Number.isNaN(v)) return 0x7e00;
  if (a === Infinity) return sign | 0x7c00;
  if (a === 0) return sign;
  if (a < 2 ** -14) return sign | Math.round(a / 2 ** -24); // subnormal
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1; // log2 rounding guard
  if (2 ** (e + 1) <= a) e += 1;
  const mantissa = Math.round((a / 2 ** e - 1) * 1024);
  return sign | ((e + 15) << 10) | mantissa;
}

export function toFp16Array(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = fp16Bits(values[i]!);
  return out;
}
