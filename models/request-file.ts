/**
 * The scoring request file of `ugbench score`: {"user_features": [Fu numbers],
 * "group_features": [[Fg numbers], ... N rows]}. Every problem is named by its path.
 */
import { InputError, describeValue } from '../harness/errors.ts';
import type { ModelConfig } from './config.ts';
import { float32ValueProblem } from './finite.ts';
import type { ScoringRequest } from './requests.ts';

export function parseScoreRequest(json: unknown, config: ModelConfig, context = 'request'): ScoringRequest {
  const problems: string[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InputError(context, [`request: expected an object {"user_features": [...], "group_features": [[...], ...]}, got ${describeValue(json)}`]);
  }
  const raw = json as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (key !== 'user_features' && key !== 'group_features') problems.push(`${key}: unexpected field (expected user_features and group_features)`);
  }
  const userFeatures = new Float32Array(config.Fu);
  checkRow(raw.user_features, config.Fu, 'user_features', userFeatures, 0, problems);
  const rows = raw.group_features;
  let groupFeatures = new Float32Array(0);
  if (!Array.isArray(rows) || rows.length === 0) {
    problems.push(`group_features: expected a non-empty array of rows of ${config.Fg} numbers, got ${describeValue(rows)}`);
  } else {
    groupFeatures = new Float32Array(rows.length * config.Fg);
    rows.forEach((row, n) => checkRow(row, config.Fg, `group_features[${n}]`, groupFeatures, n * config.Fg, problems));
  }
  if (problems.length > 0) throw new InputError(context, problems);
  return { userFeatures, groupFeatures, candidates: groupFeatures.length / config.Fg };
}

function checkRow(value: unknown, length: number, path: string, out: Float32Array, offset: number, problems: string[]): void {
  if (!Array.isArray(value) || value.length !== length) {
    const got = Array.isArray(value) ? `an array of ${value.length}` : describeValue(value);
    problems.push(`${path}: expected an array of ${length} numbers, got ${got}`);
    return;
  }
  for (let i = 0; i < length; i++) {
    const v: unknown = value[i];
    // float32 range: 1e39 is a finite double but Infinity once stored, and every score it touches is NaN
    const problem = float32ValueProblem(`${path}[${i}]`, v);
    if (problem) {
      problems.push(problem);
      return;
    }
    out[offset + i] = v as number;
  }
}
