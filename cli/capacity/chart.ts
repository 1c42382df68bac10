/** Vega-Lite spec of the capacity report: every series' p99 against offered rate, with the SLO line. */
import type { TopLevelSpec } from 'vega-lite';
import type { CapacityReport } from './build.ts';

export function capacityChartSpec(r: CapacityReport): TopLevelSpec {
  const values = r.series.flatMap((s) => s.curve.map((p) => ({ run: s.id, targetQps: p.targetQps, p99Ms: p.p99Ms, sustained: p.sustainable ? 'sustained' : 'not sustained' })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `p99 latency vs offered load (SLO ${r.options.sloP99Ms} ms)`,
    width: 560,
    height: 300,
    config: { font: 'DejaVu Sans' },
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'targetQps', type: 'quantitative', title: 'offered load, req/s' },
          y: { field: 'p99Ms', type: 'quantitative', title: 'p99 latency, ms', scale: { type: 'log' } },
          color: { field: 'run', type: 'nominal' },
          shape: { field: 'sustained', type: 'nominal' },
        },
      },
      {
        data: { values: [{ slo: r.options.sloP99Ms }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: 'firebrick' },
        encoding: { y: { field: 'slo', type: 'quantitative' } },
      },
    ],
  };
}
