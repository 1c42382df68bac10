/**
 * `ugbench export --onnx ...`: a user's own ONNX model (checked against docs/own-model.md) as a
 * Triton Inference Server model repository, the same layout as the built-in models':
 *   OUT/triton/<name>/config.pbtxt + 1/model.onnx            whole form
 *   OUT/triton/<name>_user/..., <name>_group/..., <name>/    split form: both graphs and the
 *                                                            ensemble user -> group
 *   OUT/export.json                                          files, SHA-256, opsets, cost
 * The graphs are copied byte for byte: Triton serves exactly the files ugbench measured.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExternalModel } from '../../models/external/model.ts';
import type { OnnxGraphFile, TensorSig } from '../../models/external/onnx-file.ts';
import type { BoundaryTensor, BuiltGraph, GraphRole } from '../../models/onnx/graphs.ts';
import { tritonEnsembleConfig, tritonModelConfig, type TritonDevice } from '../../models/onnx/triton.ts';

export interface ExternalExportManifest {
  tritonRepository: string;
  models: string[];
  ensemble: string | undefined;
}

/** The checked graph as the Triton config writer sees it (boundary tensors are float32, the contract's). */
function asBuilt(g: OnnxGraphFile, role: GraphRole): BuiltGraph {
  const boundary = (t: TensorSig): BoundaryTensor => ({ name: t.name, dtype: 'float', dims: [...(t.dims ?? [])] });
  let initializerBytes = 0;
  for (const init of g.initializers.values()) initializerBytes += init.dims.reduce((a, b) => a * b, 1) * 4;
  return { role, model: g.bytes, inputs: g.inputs.map(boundary), outputs: g.outputs.map(boundary), initializerBytes };
}

export function exportExternalModel(model: ExternalModel, outDir: string, name: string, device: TritonDevice): ExternalExportManifest {
  const tritonRepository = join(outDir, 'triton');
  const write = (tritonModel: string, graph: BuiltGraph): string => {
    const dir = join(tritonRepository, tritonModel);
    mkdirSync(join(dir, '1'), { recursive: true });
    writeFileSync(join(dir, '1', 'model.onnx'), graph.model);
    writeFileSync(join(dir, 'config.pbtxt'), tritonModelConfig(tritonModel, graph, device));
    return tritonModel;
  };
  let models: string[];
  let ensemble: string | undefined;
  if (model.form === 'whole') {
    models = [write(name, asBuilt(model.whole!, 'whole'))];
  } else {
    const user = asBuilt(model.user!, 'user');
    const group = asBuilt(model.group!, 'group');
    models = [write(`${name}_user`, user), write(`${name}_group`, group)];
    ensemble = name;
    mkdirSync(join(tritonRepository, ensemble, '1'), { recursive: true }); // Triton wants a version folder, even empty
    writeFileSync(join(tritonRepository, ensemble, 'config.pbtxt'), tritonEnsembleConfig(ensemble, models[0]!, user, models[1]!, group));
  }
  const summary = {
    model: name,
    form: model.form,
    device,
    Fu: model.Fu,
    Fg: model.Fg,
    names: model.names,
    stateNames: model.stateNames,
    files: model.files,
    cost: model.cost,
    costPartial: model.costPartial,
    tritonModels: models,
    ensemble,
  };
  writeFileSync(join(outDir, 'export.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return { tritonRepository, models, ensemble };
}
