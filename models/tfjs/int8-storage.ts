/**
 * ugsep-w8a16 on TF.js. TF.js has neither int8 nor fp16 tensors, so the honest form is: quantize
 * every FFN and compensation matrix to int8 per output channel (models/weights/quantize.ts, the
 * same quantizer the reference and ORT use), then dequantize to float32 once at load and compute
 * in float32. The weights carry int8 rounding error; nothing runs faster or reads fewer bytes.
 */
import { derive } from '../config.ts';
import type { ModelWeights } from '../weights/layout.ts';
import { dequantizeStack, quantizeStack } from '../weights/quantize.ts';

export const INT8_STORAGE_WEIGHT_PRECISION = 'int8 per-channel storage, dequantized to fp32 at load';
export const INT8_STORAGE_ACTIVATION_PRECISION = 'fp32 (no fp16 in TF.js)';
export const INT8_STORAGE_NOTE =
  'not W8A16: TF.js has no int8 or fp16 tensors; weights are int8-rounded then held and multiplied in fp32, so no speed or memory gain is expected';

/** The weights with every FFN and compensation matrix replaced by its int8 round trip (fp32). */
export function int8RoundTripWeights(weights: ModelWeights): ModelWeights {
  const { T, Tg, D, H } = derive(weights.config);
  return {
    ...weights,
    layers: weights.layers.map((layer) => ({
      ...layer,
      w1: dequantizeStack(quantizeStack(layer.w1, T, D, H), D, H), // [T, D, H]
      w2: dequantizeStack(quantizeStack(layer.w2, T, H, D), H, D), // [T, H, D]
      ...(layer.compWeight ? { compWeight: dequantizeStack(quantizeStack(layer.compWeight, Tg, D, D), D, D) } : {}), // [Tg, D, D]
    })),
  };
}
