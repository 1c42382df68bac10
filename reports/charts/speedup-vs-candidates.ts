/**
 * ugsep speedup over baseline against candidates per request: measured (baseline mean latency /
 * variant mean latency, same file and runtime, so the same traffic plan) beside the cost model:
 * its curve from the recorded model shape, and its point from the results' own FLOP counts
 * (baseline FLOPs / variant FLOPs over the same plan, cache hits included).
 */
import { predictedSpeedup as speedupFromModel } from '../../harness/results/model.ts';
import { hasCompensation, isSplitVariant, predictedSpeedup, speedupShape } from '../predict.ts';
import type { RunRow } from '../runs.ts';
import { chartFrame, round, type ChartSpec } from './spec.ts';

/** Candidate counts the predicted curve is drawn at (log-spaced). */
function curveCandidates(maxCandidates: number): number[] {
  const out: number[] = [];
  for (let n = 1; n <= maxCandidates; n = Math.ceil(n * 1.25)) out.push(n);
  return out;
}

export function speedupVsCandidatesChart(rows: RunRow[]): ChartSpec | null {
  const measured: { group: string; candidates: number; speedup: number; kind: string }[] = [];
  for (const row of rows) {
    if (!isSplitVariant(row.variant)) continue;
    const base = rows.find((b) => b.fileIndex === row.fileIndex && b.runtime === row.runtime && b.variant === 'baseline');
    if (!base) continue;
    const variantMeanUs = row.run.latencyUs.overall.meanUs;
    if (variantMeanUs > 0 && base.run.latencyUs.overall.meanUs > 0) {
      measured.push({ group: row.group, candidates: round(row.meanCandidates), speedup: round(base.run.latencyUs.overall.meanUs / variantMeanUs), kind: 'measured (mean latency)' });
    }
    if (row.run.cost && base.run.cost && row.run.cost.flopsPerRequest > 0) {
      measured.push({ group: row.group, candidates: round(row.meanCandidates), speedup: round(base.run.cost.flopsPerRequest / row.run.cost.flopsPerRequest), kind: 'cost model, this plan' });
    }
  }
  if (measured.length === 0) return null;

  const maxCandidates = Math.max(1024, ...rows.map((r) => r.meanCandidates));
  const curves: { curve: string; candidates: number; speedup: number }[] = [];
  const drawn = new Set<string>();
  for (const row of rows) {
    const model = row.run.model;
    if (model) {
      // from the results' cost coefficients (harness/results/model.ts): no formula restated here
      if (!model.traits['masked']) continue;
      const key = JSON.stringify([model.cost.computed.flops, model.baselineCost.flops]);
      if (drawn.has(key)) continue;
      drawn.add(key);
      const curve = `predicted T=${model.config['T']} Tu=${model.config['Tu']}${model.traits['compensation'] ? '' : ' no comp'}`;
      for (const n of curveCandidates(maxCandidates)) curves.push({ curve, candidates: n, speedup: round(speedupFromModel(model, n), 4) });
      continue;
    }
    // version 1 files: the shape from the flattened config string and the traits from the name
    const shape = speedupShape(row.modelConfig);
    if (!shape || !isSplitVariant(row.variant)) continue;
    const comp = hasCompensation(row.variant);
    const key = `${shape.T}/${shape.Tu}/${shape.k}/${comp}`;
    if (drawn.has(key)) continue;
    drawn.add(key);
    const curve = `predicted T=${shape.T} Tu=${shape.Tu}${comp ? '' : ' no comp'}`;
    for (const n of curveCandidates(maxCandidates)) curves.push({ curve, candidates: n, speedup: round(predictedSpeedup(shape, n, comp), 4) });
  }

  const layers: NonNullable<Extract<ChartSpec['spec'], { layer: unknown }>['layer']> = [];
  if (curves.length > 0) {
    layers.push({
      data: { values: curves },
      mark: { type: 'line', strokeDash: [6, 3] },
      encoding: {
        x: { field: 'candidates', type: 'quantitative', title: 'candidates per request', scale: { type: 'log' } },
        y: { field: 'speedup', type: 'quantitative', title: 'speedup over baseline (x)' },
        detail: { field: 'curve', type: 'nominal' },
        color: { value: '#888' },
        tooltip: [{ field: 'curve', type: 'nominal' }, { field: 'candidates', type: 'quantitative' }, { field: 'speedup', type: 'quantitative' }],
      },
    });
  }
  layers.push({
    data: { values: measured },
    mark: { type: 'point', size: 80, filled: true },
    encoding: {
      x: { field: 'candidates', type: 'quantitative', title: 'candidates per request', scale: { type: 'log' } },
      y: { field: 'speedup', type: 'quantitative', title: 'speedup over baseline (x)' },
      color: { field: 'group', type: 'nominal', title: 'run' },
      shape: { field: 'kind', type: 'nominal', title: 'figure' },
      tooltip: [
        { field: 'group', type: 'nominal', title: 'run' },
        { field: 'kind', type: 'nominal' },
        { field: 'candidates', type: 'quantitative' },
        { field: 'speedup', type: 'quantitative' },
      ],
    },
  });
  return {
    name: 'speedup-vs-candidates',
    title: 'UG-Sep speedup vs candidates per request',
    caption:
      (curves.length > 0 ? 'Dashed: the cost model’s predicted FFN speedup N·T / (Tu + N·Tg + Tg/2k). ' : 'No model shape recorded in the results, so no predicted curve. ') +
      'Points: measured mean-latency ratio to baseline on the same plan, and the cost model’s FLOP ratio for the same plan (with cache hits).',
    spec: { ...chartFrame('UG-Sep speedup vs candidates per request', 'dashed = cost model prediction; points = this run'), layer: layers },
  };
}
