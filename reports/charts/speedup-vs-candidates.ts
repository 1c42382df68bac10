/**
 * Speedup against candidates per request. With a paired phase: the paired median service-time
 * ratio of each variant over baseline (and of w8a16 over ugsep) per candidate bucket, with its
 * 95% bootstrap interval as error bars, beside the prediction (the buckets' FLOP and roofline
 * ratios, dashed and dotted). Without one: the service-time p50 ratio per run, beside the cost
 * model's curve. Lone points become a table. Data: ./speedup-points.ts.
 */
import { variantColour } from '../palette.ts';
import type { RunRow } from '../runs.ts';
import { chartFrame, logScaleOver, singlePointPerSeries, type ChartSpec, type Figure } from './spec.ts';
import { modelCurves, pairedSpeedups, serviceRatioSpeedups, type MeasuredSpeedup, type PredictedSpeedup } from './speedup-points.ts';

type Layer = NonNullable<Extract<ChartSpec['spec'], { layer: unknown }>['layer']>[number];

/** The x encoding: log candidates over the measured range only (a nice log domain would run to 1000). */
function xAxis(measured: readonly MeasuredSpeedup[]): { field: string; type: 'quantitative'; title: string; scale: { type: 'log'; domain: number[]; nice: false } } {
  return { field: 'candidates', type: 'quantitative', title: 'candidates per request', scale: logScaleOver(measured.map((m) => m.candidates)) };
}

function measuredLayers(measured: MeasuredSpeedup[], colour: ReturnType<typeof variantColour>, yTitle: string): Layer[] {
  const X = xAxis(measured);
  const y = { field: 'ratio', type: 'quantitative', title: yTitle } as const;
  const layers: Layer[] = [];
  if (measured.some((m) => m.lo95 !== null)) {
    layers.push({
      data: { values: measured.filter((m) => m.lo95 !== null) },
      mark: { type: 'rule', strokeWidth: 1.5 },
      encoding: { x: X, y: { field: 'lo95', type: 'quantitative' }, y2: { field: 'hi95' }, color: colour, detail: { field: 'pair', type: 'nominal' } },
    });
  }
  layers.push({
    data: { values: measured },
    mark: { type: 'line', point: { size: 50, filled: true } },
    encoding: {
      x: X,
      y,
      color: colour,
      detail: { field: 'pair', type: 'nominal' },
      shape: { field: 'over', type: 'nominal', title: 'over' },
      tooltip: [
        { field: 'pair', type: 'nominal', title: 'speedup' },
        { field: 'bucket', type: 'nominal', title: 'candidates bucket' },
        { field: 'ratio', type: 'quantitative', title: 'ratio (x)' },
        { field: 'lo95', type: 'quantitative', title: '95% low' },
        { field: 'hi95', type: 'quantitative', title: '95% high' },
        { field: 'n', type: 'quantitative', title: 'n (requests)' },
      ],
    },
  });
  return layers;
}

function predictedLayer(predicted: PredictedSpeedup[], measured: MeasuredSpeedup[], colour: ReturnType<typeof variantColour>, modelCurve: boolean): Layer {
  const kinds = [...new Set(predicted.map((p) => p.kind))];
  const dash: Record<string, number[]> = { 'FLOP ratio': [6, 3], 'roofline ratio': [2, 2] };
  return {
    data: { values: predicted.filter((p) => p.candidates >= Math.min(...measured.map((m) => m.candidates)) / 1.25 && p.candidates <= Math.max(...measured.map((m) => m.candidates)) * 1.25) },
    mark: { type: 'line', strokeWidth: 1.5, clip: true, ...(modelCurve ? { color: '#888' } : {}) },
    encoding: {
      x: xAxis(measured),
      y: { field: 'speedup', type: 'quantitative' },
      ...(modelCurve ? {} : { color: colour }),
      detail: { field: 'pair', type: 'nominal' },
      strokeDash: { field: 'kind', type: 'nominal', title: 'prediction', scale: { domain: kinds, range: kinds.map((k) => dash[k] ?? [6, 3]) } },
      tooltip: [{ field: 'pair', type: 'nominal' }, { field: 'kind', type: 'nominal' }, { field: 'candidates', type: 'quantitative' }, { field: 'speedup', type: 'quantitative' }],
    },
  };
}

function asTable(measured: MeasuredSpeedup[], title: string, statistic: string): Figure {
  return {
    name: 'speedup-vs-candidates',
    title,
    caption: `One candidate mix per run, so no curve: the table gives the ${statistic} and the requests it rests on.`,
    table: {
      headers: ['speedup', 'candidates', 'ratio (x)', '95% interval', 'n'],
      rows: measured.map((m) => [m.pair, String(m.candidates), m.ratio.toFixed(3), m.lo95 === null ? '-' : `[${m.lo95.toFixed(3)}, ${m.hi95!.toFixed(3)}]`, String(m.n)]),
      numeric: [false, true, true, true, true],
    },
  };
}

export function speedupVsCandidatesChart(rows: RunRow[]): Figure | null {
  const paired = pairedSpeedups(rows);
  const isPaired = paired.measured.length > 0;
  const measured = isPaired ? paired.measured : serviceRatioSpeedups(rows);
  if (measured.length === 0) return null;
  const statistic = isPaired ? 'paired median service-time ratio' : 'service-time p50 ratio (not paired)';
  const title = `Speedup vs candidates: ${statistic}`;
  if (singlePointPerSeries(measured, (m) => m.candidates, (m) => m.pair)) return asTable(measured, title, statistic);
  const colour = variantColour(rows.map((r) => r.variant));
  const maxCandidates = Math.max(...measured.map((m) => m.candidates)) * 1.5;
  const predicted = isPaired && paired.predicted.length > 0 ? paired.predicted : modelCurves(rows, maxCandidates);
  const layers = [...(predicted.length > 0 ? [predictedLayer(predicted, measured, colour, !(isPaired && paired.predicted.length > 0))] : []), ...measuredLayers(measured, colour, `speedup (x): ${statistic}`)];
  return {
    name: 'speedup-vs-candidates',
    title,
    caption: isPaired
      ? 'Each variant scored the same requests back to back on an idle instance, without the cross-request cache. Points: median service time of the slower variant / of the faster one per candidate bucket; bars: 95% bootstrap interval (pairs kept together). Dashed: predicted FLOP ratio; dotted: predicted roofline ratio.'
      : 'No paired phase in these results: baseline service-time p50 / the variant’s, same runtime and plan (the console’s model x), without an interval. Grey: the cost model’s FFN speedup.',
    spec: { ...chartFrame(title, isPaired ? 'bars = 95% bootstrap interval; dashed/dotted = prediction' : 'grey = cost-model prediction'), layer: layers },
  };
}
