/** Every chart, in report order; each is a pure function of the rows (and limits), null when it has no data. */
import type { MachineLimits } from '../../harness/results/machine-limits.ts';
import type { RunRow } from '../runs.ts';
import { hitMissLatencyChart, whatIfP99Chart } from './cache-latency.ts';
import { latencySpectrumChart } from './latency-spectrum.ts';
import { latencyVsCandidatesChart } from './latency-vs-candidates.ts';
import { rooflineChart } from './roofline.ts';
import { speedupVsCandidatesChart } from './speedup-vs-candidates.ts';
import type { ChartSpec } from './spec.ts';
import { throughputVsLoadChart } from './throughput-vs-load.ts';

export function allCharts(rows: RunRow[], limits: MachineLimits | undefined): ChartSpec[] {
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
