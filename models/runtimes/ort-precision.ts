/**
 * The precision that actually runs for a variant on a provider with an int8 kernel: every
 * result must say it (docs/runtimes.md: on CPU "w8a16" is really int8 weights with int8
 * dynamic activations unless the strict kernel is chosen).
 */
import type { Int8Kernel } from '../onnx/options.ts';
import type { OrtProvider } from './ort-providers.ts';

export interface PrecisionFacts {
  weightPrecision: string;
  activationPrecision: string;
}

export function ortPrecision(int8Weights: boolean, provider: OrtProvider, kernel: Int8Kernel, accuracyLevel: number): PrecisionFacts {
  if (!int8Weights) return { weightPrecision: 'fp32', activationPrecision: 'fp32' };
  const weightPrecision = 'int8 symmetric per-output-channel (FFN and compensation), fp32 elsewhere';
  if (provider === 'cuda' || provider === 'tensorrt') {
    return { weightPrecision, activationPrecision: `fp16 activations at the int8 matmuls (MatMulNBits on ${provider.toUpperCase()}), fp32 elsewhere` };
  }
  switch (kernel) {
    case 'qdq':
      return {
        weightPrecision,
        activationPrecision:
          accuracyLevel === 4
            ? 'W8A8: int8 dynamic activations (ORT CPU MatMulNBits accuracy level 4), fp32 elsewhere'
            : `fp32 activations (ORT CPU MatMulNBits accuracy level ${accuracyLevel})`,
      };
    case 'dynamic':
      return { weightPrecision, activationPrecision: 'W8A8: uint8 dynamic per-tensor activations (com.microsoft.DynamicQuantizeMatMul), fp32 elsewhere' };
    case 'hilo-b32':
    case 'hilo-b128':
      return { weightPrecision, activationPrecision: `W8A16: ~16-bit activations as two int8 digits per block of ${kernel.slice('hilo-b'.length)} (MatMulNBits), fp32 elsewhere` };
    case 'strict':
      return { weightPrecision, activationPrecision: 'fp16-rounded activations, fp32 compute (MatMulNBits accuracy level 1): the literal W8A16' };
    default:
      return { weightPrecision, activationPrecision: kernel.startsWith('matmulnbits-b') ? `W8A8: int8 dynamic activations in blocks (${kernel}), fp32 elsewhere` : kernel };
  }
}
