/** Per-request FLOPs and bytes -> the CostFacts of a run at its request rate. */
import type { CostFacts } from './contract.ts';

export function toCostFacts(perRequest: { flops: number; weightBytes: number; activationBytes: number }, requestsPerS: number): CostFacts {
  const { flops, weightBytes, activationBytes } = perRequest;
  const bytes = weightBytes + activationBytes;
  return {
    flopsPerRequest: flops,
    bytesPerRequest: bytes,
    weightBytesPerRequest: weightBytes,
    activationBytesPerRequest: activationBytes,
    arithmeticIntensity: bytes > 0 ? flops / bytes : 0,
    achievedGflopPerS: (flops * requestsPerS) / 1e9,
    achievedGBPerS: (bytes * requestsPerS) / 1e9,
  };
}
