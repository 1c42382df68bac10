/** A `ugbench sweep` file renders as one results entry per rate: throughput and latency become curves over load. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SweepResults } from '../../harness/results/sweep/results.ts';
import { allCharts } from '../../reports/charts/index.ts';
import { loadResultsOrSweep } from '../../reports/load.ts';
import { runRows } from '../../reports/runs.ts';
import { makeResults } from '../fixtures/make-results.ts';

function sweepFixture(rates: number[]): SweepResults {
  const perRate = rates.map((rate) => makeResults({ targetQps: rate, latencyScale: 1 + rate / 40 }));
  const first = perRate[0]!;
  return {
    kind: 'ugbench-sweep',
    schemaVersion: 1,
    createdAt: first.createdAt,
    sloP99Ms: 200,
    scenario: first.scenario,
    git: first.git,
    machine: first.machine,
    packages: first.packages,
    series: first.runs.map((run, i) => ({
      id: run.id,
      variant: run.variant,
      runtime: run.runtime.runtime,
      peakQps: rates[rates.length - 2] ?? null,
      firstUnsustainableQps: rates[rates.length - 1] ?? null,
      stopped: 'p99 over SLO',
      steps: perRate.map((r, j) => ({ targetQps: rates[j]!, sustainable: j < rates.length - 1, reasons: [], run: r.runs[i]! })),
      model: 'small',
      modelConfig: String(run.runtime.details['modelConfig']),
    })),
  };
}

describe('sweep files', () => {
  it('become one entry per rate, each with every series, joined into one line per run', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ugbench-sweep-'));
    const file = path.join(dir, 'sweep.json');
    writeFileSync(file, JSON.stringify(sweepFixture([10, 20, 40])));
    const loaded = await loadResultsOrSweep(file);
    expect(loaded.map((l) => l.results.scenario.name)).toEqual(['default @ 10 req/s', 'default @ 20 req/s', 'default @ 40 req/s']);
    expect(loaded.every((l) => l.results.runs.length === 3)).toBe(true);
    expect(loaded[0]!.results.plan.meanCandidates).toBeCloseTo(64, 6);
    const rows = runRows(loaded);
    expect(new Set(rows.map((r) => r.group))).toEqual(new Set(['baseline@ort-cpu', 'ugsep@ort-cpu', 'ugsep-w8a16@ort-cpu']));
    const throughput = allCharts(rows, undefined).find((c) => c.name === 'throughput-vs-load')!;
    const layer = (throughput.spec as { layer: { data: { values: { group: string; offeredQps: number }[] } }[] }).layer[1]!;
    // offered = what the plan realised (planned arrivals / measured window), not the nominal rate
    const baseline = layer.data.values.filter((v) => v.group === 'baseline@ort-cpu').map((v) => v.offeredQps);
    const realised = rows.filter((r) => r.variant === 'baseline').map((r) => r.run.counts.planned / r.results.plan.durationS);
    expect(baseline).toHaveLength(3);
    baseline.forEach((q, i) => expect(q).toBeCloseTo(realised[i]!, 1));
    expect(readFileSync(file, 'utf8')).toContain('ugbench-sweep');
  });
});
