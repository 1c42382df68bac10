/**
 * Symmetric per-output-channel int8 quantization, the W8A16 weight format: for a matrix
 * W [K, N] (K inputs, N outputs), scale[j] = max_i |W[i, j]| / 127 and q[i, j] = round(W / scale)
 * in [-127, 127]. Dequantized weight = q * scale in float32, exactly what DequantizeLinear does.
 */
export interface QuantizedMatrix {
  q: Int8Array; // [K, N]
  scale: Float32Array; // [N]
}

export function quantizePerChannel(w: Float32Array, offset: number, K: number, N: number): QuantizedMatrix {
  const scale = new Float32Array(N);
  for (let i = 0; i < K; i++) {
    const row = offset + i * N;
    for (let j = 0; j < N; j++) scale[j] = Math.max(scale[j]!, Math.abs(w[row + j]!));
  }
  for (let j = 0; j < N; j++) scale[j] = scale[j]! > 0 ? scale[j]! / 127 : 1;
  const q = new Int8Array(K * N);
  for (let i = 0; i < K; i++) {
    const row = offset + i * N;
    for (let j = 0; j < N; j++) q[i * N + j] = Math.max(-127, Math.min(127, Math.round(w[row + j]! / scale[j]!)));
  }
  return { q, scale };
}

/** q * scale as float32, written into out[outOffset : outOffset + K*N]. */
export function dequantizeInto(m: QuantizedMatrix, K: number, N: number, out: Float32Array, outOffset: number): void {
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < N; j++) out[outOffset + i * N + j] = m.q[i * N + j]! * m.scale[j]!;
  }
}

/**
 * Quantize a stack of `count` matrices [count, K, N] (per-token FFN weights, compensation
 * matrices), each with its own per-channel scales.
 */
export function quantizeStack(w: Float32Array, count: number, K: number, N: number): QuantizedMatrix[] {
  return Array.from({ length: count }, (_, t) => quantizePerChannel(w, t * K * N, K, N));
}

/** The float32 view of a quantized stack: what the W8A16 reference multiplies with. */
export function dequantizeStack(stack: readonly QuantizedMatrix[], K: number, N: number): Float32Array {
  const out = new Float32Array(stack.length * K * N);
  stack.forEach((m, t) => dequantizeInto(m, K, N, out, t * K * N));
  return out;
}
