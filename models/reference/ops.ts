/**
 * Row primitives of the plain-TypeScript reference. Every forward form (monolithic, split,
 * W8A16) is written with these, row by row, so the same inputs give bit-identical outputs
 * whichever form computed them. Accumulation is float64, results are stored as float32.
 */

/** Matmul FLOP counter by category, for checking the cost model against what the code does. */
export interface FlopCounter {
  tokenizer: number;
  ffn: number;
  compensation: number;
  head: number;
}

export function newFlopCounter(): FlopCounter {
  return { tokenizer: 0, ffn: 0, compensation: 0, head: 0 };
}

/**
 * out[0:n] = x[0:m] @ W[m, n] + b, W row-major starting at `wOffset`, b starting at `bOffset`.
 * i-outer loop: streams W row by row (cache friendly in JS).
 */
export function vecMat(
  x: Float32Array,
  xOffset: number,
  m: number,
  w: Float32Array,
  wOffset: number,
  n: number,
  b: Float32Array | undefined,
  bOffset: number,
  out: Float32Array,
  outOffset: number,
  acc: Float64Array,
): void {
  for (let j = 0; j < n; j++) acc[j] = b ? b[bOffset + j]! : 0;
  for (let i = 0; i < m; i++) {
    const xi = x[xOffset + i]!;
    if (xi === 0) continue; // exact: adding 0 * w changes nothing (weights are finite)
    const row = wOffset + i * n;
    for (let j = 0; j < n; j++) acc[j]! += xi * w[row + j]!;
  }
  for (let j = 0; j < n; j++) out[outOffset + j] = acc[j]!;
}

/** In-place LayerNorm of x[offset : offset+n] (biased variance, eps 1e-5). */
export function layerNormInPlace(x: Float32Array, offset: number, n: number, gain: Float32Array, shift: Float32Array): void {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[offset + i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const c = x[offset + i]! - mean;
    variance += c * c;
  }
  variance /= n;
  const inv = 1 / Math.sqrt(variance + 1e-5);
  for (let i = 0; i < n; i++) x[offset + i] = (x[offset + i]! - mean) * inv * gain[i]! + shift[i]!;
}

/** Exact GELU, erf form: 0.5 x (1 + erf(x / sqrt 2)). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x * Math.SQRT1_2));
}

/**
 * erf to ~1e-15 relative: Maclaurin series below |x| = 2.5, Lentz continued fraction for erfc
 * above. JS has no Math.erf; float32 libm erff (what ORT uses) is far less exact than this.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 80; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const value = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -value : value;
  }
  if (ax > 6) return x < 0 ? -1 : 1;
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), modified Lentz.
  const tiny = 1e-300;
  let f = ax;
  let c = ax;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const a = n / 2;
    d = ax + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = ax + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

const f16Scratch = new Float32Array(1);
const f16Bits = new Uint32Array(f16Scratch.buffer);

/**
 * Round a float32 value to the nearest IEEE fp16 value (ties to even), returned as a number.
 * Overflow goes to +-Infinity, small values to fp16 subnormals, as a hardware cast does.
 */
export function roundToFp16(value: number): number {
  f16Scratch[0] = value;
  const bits = f16Bits[0]!;
  const sign = bits >>> 31 ? -1 : 1;
  const exponent = (bits >>> 23) & 0xff;
  if (exponent === 0xff) return value; // NaN, Infinity
  const abs = Math.abs(f16Scratch[0]);
  if (abs >= 65520) return sign * Infinity; // rounds past the largest fp16 (65504)
  // Spacing of fp16 values around `abs`: 2^(e-10) for normals (e >= -14), 2^-24 for subnormals.
  // The float32 exponent field gives e exactly (log2 can be off by one near powers of two).
  const e = exponent - 127;
  const ulp = 2 ** (Math.max(e, -14) - 10);
  const scaled = abs / ulp;
  let rounded = Math.round(scaled);
  if (rounded - scaled === 0.5 && rounded % 2 === 1) rounded -= 1; // ties to even (Math.round goes up)
  return sign * rounded * ulp;
}

/** Round every element of x[offset : offset+n] into `out` as fp16 values. */
export function roundRowToFp16(x: Float32Array, offset: number, n: number, out: Float32Array): void {
  for (let i = 0; i < n; i++) out[i] = roundToFp16(x[offset + i]!);
}
