/**
 * onnxruntime-node session options: threads, graph optimization, provider, and the thread
 * spinning that docs/runtimes.md measured (an idle worker spinning after each run steals a
 * core from the other session of the same request; 50 us was best on 2 cores).
 */
import { availableParallelism } from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import type { OrtProvider } from './ort-providers.ts';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface OrtSessionSettings {
  /** execution provider; default 'cpu' */
  provider: OrtProvider;
  /** intra-op threads per session; default: all cores (os.availableParallelism) */
  threads: number;
  /** default 'all' (MatMulNBits fusion, GELU/LayerNorm fusions need it) */
  graphOptimizationLevel: GraphOptimizationLevel;
  /** session.intra_op.spin_duration_us; default 50 */
  spinDurationUs: number;
  /**
   * session.qdq_matmulnbits_accuracy_level for fused DequantizeLinear -> MatMul (qdq kernel):
   * 4 = int8 activations (fast), 1 = fp32 compute (slow on CPU). Default 4.
   */
  matMulNBitsAccuracyLevel: number;
}

export const DEFAULT_SPIN_DURATION_US = 50;

export function resolveSessionSettings(partial: Partial<OrtSessionSettings> = {}): OrtSessionSettings {
  return {
    provider: partial.provider ?? 'cpu',
    threads: partial.threads ?? availableParallelism(),
    graphOptimizationLevel: partial.graphOptimizationLevel ?? 'all',
    spinDurationUs: partial.spinDurationUs ?? DEFAULT_SPIN_DURATION_US,
    matMulNBitsAccuracyLevel: partial.matMulNBitsAccuracyLevel ?? 4,
  };
}

/** The onnxruntime SessionOptions for these settings. */
export function sessionOptions(settings: OrtSessionSettings): InferenceSession.SessionOptions {
  const providers: InferenceSession.ExecutionProviderConfig[] =
    settings.provider === 'tensorrt' ? ['tensorrt', 'cuda', 'cpu'] : settings.provider === 'cpu' ? ['cpu'] : [settings.provider, 'cpu'];
  return {
    executionProviders: providers,
    intraOpNumThreads: settings.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: settings.graphOptimizationLevel,
    enableCpuMemArena: true,
    enableMemPattern: true,
    logSeverityLevel: 3,
    // Flattened into session config entries: session.intra_op.spin_duration_us = "50", ...
    extra: {
      session: {
        intra_op: { spin_duration_us: String(settings.spinDurationUs) },
        qdq_matmulnbits_accuracy_level: String(settings.matMulNBitsAccuracyLevel),
      },
    },
  };
}

/** Settings as flat facts for RuntimeInfo.details. */
export function settingsDetails(settings: OrtSessionSettings): Record<string, string | number> {
  return {
    intraOpThreads: settings.threads,
    interOpThreads: 1,
    graphOptimizationLevel: settings.graphOptimizationLevel,
    'session.intra_op.spin_duration_us': settings.spinDurationUs,
    'session.qdq_matmulnbits_accuracy_level': settings.matMulNBitsAccuracyLevel,
  };
}
