/** Helpers for tests that run ONNX graphs in onnxruntime-node. */
import * as ort from 'onnxruntime-node';
import type { ModelConfig } from '../../../models/config.ts';
import type { BuiltGraph } from '../../../models/onnx/graphs.ts';

export { ort };

/** A 2-thread CPU session, spinning kept short as in the runtime (docs/runtimes.md). */
export function session(graph: BuiltGraph | Uint8Array): Promise<ort.InferenceSession> {
  const model = graph instanceof Uint8Array ? graph : graph.model;
  return ort.InferenceSession.create(model, { intraOpNumThreads: 2, logSeverityLevel: 3, extra: { session: { intra_op: { spin_duration_us: '50' } } } });
}

export function userTensor(config: ModelConfig, user: Float32Array): ort.Tensor {
  return new ort.Tensor('float32', user, [1, config.Fu]);
}

export function groupTensor(config: ModelConfig, group: Float32Array): ort.Tensor {
  return new ort.Tensor('float32', group, [group.length / config.Fg, config.Fg]);
}

export async function runWhole(s: ort.InferenceSession, config: ModelConfig, user: Float32Array, group: Float32Array): Promise<Float32Array> {
  const out = await s.run({ user_features: userTensor(config, user), group_features: groupTensor(config, group) });
  return out.scores!.data as Float32Array;
}

export async function runUser(s: ort.InferenceSession, config: ModelConfig, user: Float32Array): Promise<Record<string, ort.Tensor>> {
  return await s.run({ user_features: userTensor(config, user) });
}

export async function runGroup(s: ort.InferenceSession, config: ModelConfig, state: Record<string, ort.Tensor>, group: Float32Array): Promise<Float32Array> {
  const out = await s.run({ group_features: groupTensor(config, group), ...state });
  return out.scores!.data as Float32Array;
}

/** max |a - b| / |b|, and the top-k agreement: the ones calibration and bench:kernels use */
export { maxRelError as maxRelDiff, topKOverlap } from '../../../models/runtimes/ort-calibrate.ts';
