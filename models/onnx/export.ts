/**
 * `ugbench export`: the exact models ugbench measures, as files another server can load:
 *   OUT/weights.safetensors            the weights (contract of docs/model.md)
 *   OUT/onnx/<graph>.onnx              every graph of the variant
 *   OUT/triton/<model>/config.pbtxt    a Triton model repository: one model per graph,
 *   OUT/triton/<model>/1/model.onnx    and for ugsep variants an ensemble user -> group
 *   OUT/export.json                    what was written, graph inputs/outputs, precision
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VARIANT_TRAITS, type Variant } from '../variants.ts';
import type { ModelWeights } from '../weights/layout.ts';
import { writeSafetensors } from '../weights/safetensors.ts';
import { buildGroupGraph, buildUserGraph, buildWholeGraph, type BuiltGraph } from './graphs.ts';
import { resolveGraphOptions, type GraphOptions } from './options.ts';
import { tritonEnsembleConfig, tritonModelConfig, type TritonDevice } from './triton.ts';

export interface ExportOptions {
  weights: ModelWeights;
  variant: Variant;
  outDir: string;
  /** 'gpu' builds fp16-activation int8 graphs (CUDA W8A16) and KIND_GPU instances; default 'cpu' */
  device?: TritonDevice;
  graphOptions?: GraphOptions;
  /** free-form provenance written into the safetensors metadata */
  provenance?: Record<string, string>;
}

export interface ExportedGraph {
  /** graph key: whole (baseline), monolithic, user, group */
  key: string;
  onnxPath: string;
  tritonModel: string;
  graph: BuiltGraph;
}

export interface ExportManifest {
  variant: Variant;
  config: ModelWeights['config'];
  device: TritonDevice;
  weightsPath: string;
  graphs: ExportedGraph[];
  /** the ensemble model name (ugsep variants) */
  ensemble: string | undefined;
  tritonRepository: string;
}

export function exportModel(options: ExportOptions): ExportManifest {
  const { weights, variant, outDir } = options;
  const device = options.device ?? 'cpu';
  const graphOptions = resolveGraphOptions({
    ...options.graphOptions,
    activations: device === 'gpu' && VARIANT_TRAITS[variant].int8Weights ? 'fp16' : 'fp32',
  });
  const base = variant.replaceAll('-', '_');
  const built: Array<[string, BuiltGraph]> = VARIANT_TRAITS[variant].masked
    ? [
        ['user', buildUserGraph(weights, variant, graphOptions)],
        ['group', buildGroupGraph(weights, variant, graphOptions)],
        ['monolithic', buildWholeGraph(weights, variant, graphOptions)],
      ]
    : [['whole', buildWholeGraph(weights, variant, graphOptions)]];

  mkdirSync(join(outDir, 'onnx'), { recursive: true });
  const tritonRepository = join(outDir, 'triton');
  const weightsPath = join(outDir, 'weights.safetensors');
  writeSafetensors(weightsPath, weights, options.provenance ?? {});

  const graphs: ExportedGraph[] = built.map(([key, graph]) => {
    const tritonModel = key === 'whole' ? base : `${base}_${key}`;
    const onnxPath = join(outDir, 'onnx', `${variant}-${key}.onnx`);
    writeFileSync(onnxPath, graph.model);
    const modelDir = join(tritonRepository, tritonModel);
    mkdirSync(join(modelDir, '1'), { recursive: true });
    writeFileSync(join(modelDir, '1', 'model.onnx'), graph.model);
    writeFileSync(join(modelDir, 'config.pbtxt'), tritonModelConfig(tritonModel, graph, device));
    return { key, onnxPath, tritonModel, graph };
  });

  let ensemble: string | undefined;
  const user = graphs.find((g) => g.key === 'user');
  const group = graphs.find((g) => g.key === 'group');
  if (user && group) {
    ensemble = base;
    mkdirSync(join(tritonRepository, ensemble, '1'), { recursive: true }); // Triton wants a version folder, even empty
    writeFileSync(join(tritonRepository, ensemble, 'config.pbtxt'), tritonEnsembleConfig(ensemble, user.tritonModel, user.graph, group.tritonModel, group.graph));
  }

  const manifest: ExportManifest = { variant, config: weights.config, device, weightsPath, graphs, ensemble, tritonRepository };
  const summary = {
    variant,
    config: weights.config,
    device,
    graphOptions,
    weights: 'weights.safetensors',
    ensemble,
    graphs: graphs.map((g) => ({
      key: g.key,
      onnx: g.onnxPath.slice(outDir.length + 1),
      tritonModel: g.tritonModel,
      bytes: g.graph.model.byteLength,
      inputs: g.graph.inputs,
      outputs: g.graph.outputs,
    })),
  };
  writeFileSync(join(outDir, 'export.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return manifest;
}
