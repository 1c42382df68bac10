/**
 * The scenario's own ONNX variants, read and checked against the contract on load (exit 104,
 * one message per problem naming the variant, graph and tensor), and the setups they can run in:
 * in process, on onnxruntime CPU, without dynamic batching (an own model has no batched form).
 */
import { InputError } from '../../harness/errors.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import type { ExternalModelSpec } from '../../models/external/contract.ts';
import { loadExternalModel } from '../../models/external/model.ts';
import type { OwnVariant } from './own-model-system.ts';
import type { ResolvedRuntime } from './systems.ts';

export function loadOwnVariants(scenario: Scenario, specs: readonly ExternalModelSpec[], runtimes: readonly ResolvedRuntime[]): OwnVariant[] {
  if (specs.length === 0) return [];
  const names = specs.map((s) => s.name).join(', ');
  const problems: string[] = [];
  if (scenario.target.kind !== 'in-process') problems.push(`target.kind: expected in-process for the ONNX variant(s) ${names} (for an http target, serve the model with ugbench serve --onnx), got ${scenario.target.kind}`);
  runtimes.forEach((rt, i) => {
    if (rt.name !== 'ort-cpu') problems.push(`runtimes[${i}].name: expected ort-cpu for the ONNX variant(s) ${names} (they run on onnxruntime CPU), got ${rt.name}`);
    if (rt.batching) problems.push(`runtimes[${i}].batching: expected no dynamic batching with the ONNX variant(s) ${names} (an own model has no batched form), got a batch size`);
  });
  if (problems.length > 0) throw new InputError(`scenario ${scenario.name}`, problems);
  return specs.map((spec) => ({ spec, model: loadExternalModel(spec) }));
}
