/** Every chart, in report order; each is a pure function of the rows (and limits), null when it has no data. */
import type { MachineLimits } from '../../harness/results/machine-limits.ts';
import type { RunRow } from '../runs.ts';
import { hitMissLatencyChart, whatIfP99Chart } from './cache-latency.ts';
import { latencySpectrumChart } from './latency-spectrum.ts';
import { latencyVsCandidatesChart } from './latency-vs-candidates.ts';
import { rooflineChart } from './roofline.ts';
import { speedupVsCandidatesChart } from './speedup-vs-candidates.ts';
import { isTable, type ChartSpec, type Figure, type FigureTable } from './spec.ts';
import { throughputVsLoadChart } from './throughput-vs-load.ts';

/** Every figure, in report order: a chart, or a table where a chart would be lone points. */
export function allFigures(rows: RunRow[], limits: MachineLimits | undefined): Figure[] {
  return [
    latencySpectrumChart(rows),
    latencyVsCandidatesChart(rows),
    speedupVsCandidatesChart(rows),
    throughputVsLoadChart(rows),
    rooflineChart(rows, limits),
    hitMissLatencyChart(rows),
    whatIfP99Chart(rows),
  ].filter((c) => c !== null);
}

export function allCharts(rows: RunRow[], limits: MachineLimits | undefined): ChartSpec[] {
  return allFigures(rows, limits).filter((f): f is ChartSpec => !isTable(f));
}

export function figureTables(rows: RunRow[], limits: MachineLimits | undefined): FigureTable[] {
  return allFigures(rows, limits).filter(isTable);
}
