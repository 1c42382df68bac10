/**
 * A user's ONNX model, loaded: the contract checked, the cost from the graph itself, and the
 * provenance of each file. This is what the rest of ugbench needs to know about such a model,
 * as data (RunResult.model), so the roofline, report and capacity work as for the built-ins.
 */
import type { CostCoefficients, ModelFacts } from '../../harness/results/contract.ts';
import { loadCheckedModel, type CheckedModel, type ExternalModelSpec } from './contract.ts';
import { affineCost, type AffineGraphCost } from './graph-cost.ts';
import { fileFacts, type OnnxFileFacts, type OnnxGraphFile } from './onnx-file.ts';

export interface ExternalModel extends CheckedModel {
  cost: CostCoefficients;
  /** ops that make the cost a lower bound (empty: complete) */
  costPartial: string[];
  affineInN: boolean;
  costEvaluatedAtN: number[];
  files: OnnxFileFacts[];
}

/** Concrete input dims of a graph for N candidates: rows dims bound (R = 1, state dim 0 = 1). */
function dimsFor(g: OnnxGraphFile, m: CheckedModel, N: number): Map<string, number[]> {
  const dims = new Map<string, number[]>();
  for (const t of g.inputs) {
    const rows = t.name === m.names.group_features ? N : 1;
    const concrete = (t.dims ?? []).map((d, axis) => (typeof d === 'number' ? d : axis === 0 ? rows : Number.NaN));
    dims.set(t.name, concrete);
  }
  return dims;
}

export function loadExternalModel(spec: ExternalModelSpec): ExternalModel {
  const m = loadCheckedModel(spec);
  const run = (g: OnnxGraphFile): { graph: OnnxGraphFile; dimsAt: (N: number) => Map<string, number[]> } => ({ graph: g, dimsAt: (N) => dimsFor(g, m, N) });
  let computed: AffineGraphCost;
  let cached: AffineGraphCost | undefined;
  if (m.form === 'whole') {
    computed = affineCost([run(m.whole!)]);
  } else {
    computed = affineCost([run(m.user!), run(m.group!)]);
    cached = affineCost([run(m.group!)]);
  }
  const files = m.form === 'whole' ? [fileFacts('whole', m.whole!)] : [fileFacts('user', m.user!), fileFacts('group', m.group!)];
  return {
    ...m,
    cost: { computed: computed.cost, ...(cached ? { cached: cached.cost } : {}) },
    costPartial: computed.partial,
    affineInN: computed.affineInN && (cached?.affineInN ?? true),
    costEvaluatedAtN: computed.evaluatedAtN,
    files,
  };
}

/** Bytes of one user's state (float32 state tensors at R = 1), for the cache's byte budget. */
export function externalStateBytes(m: CheckedModel): number {
  if (!m.user) return 0;
  return m.user.outputs.reduce((s, t) => s + 4 * (t.dims ?? []).reduce<number>((p, d, axis) => p * (axis === 0 ? 1 : typeof d === 'number' ? d : 1), 1), 0);
}

/** The model described to the results as data; `baselineCost` is its own (no built-in baseline shape). */
export function externalModelFacts(m: ExternalModel, baselineCost = m.cost.computed): ModelFacts {
  return {
    config: { Fu: m.Fu, Fg: m.Fg },
    traits: { external: true, split: m.form === 'split', costComplete: m.costPartial.length === 0, costAffineInN: m.affineInN },
    cost: m.cost,
    baselineCost,
    weightsSha256: null,
    onnxFiles: m.files,
    ...(m.costPartial.length > 0 ? { costPartial: m.costPartial } : {}),
  };
}
