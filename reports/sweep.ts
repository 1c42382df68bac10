/**
 * Sweep results (`ugbench sweep`: every rate step of every variant as a full RunResult) as
 * results files the reporter already understands: one per target rate, holding every series'
 * run at that rate, so speedup pairs baseline and ugsep at the same load and the throughput and
 * latency charts become curves over the offered rate.
 */
import type { BenchResults, RunResult } from '../harness/results/contract.ts';
import type { SweepResults } from '../harness/results/sweep/results.ts';

function meanCandidates(run: RunResult): number {
  return run.throughput.requestsPerS > 0 ? run.throughput.candidatesPerS / run.throughput.requestsPerS : 0;
}

export function sweepAsResults(sweep: SweepResults): BenchResults[] {
  const rates = [...new Set(sweep.series.flatMap((s) => s.steps.map((step) => step.targetQps)))].sort((a, b) => a - b);
  return rates.map((rate) => {
    const runs = sweep.series.flatMap((s) => s.steps.filter((step) => step.targetQps === rate).map((step) => step.run));
    const first = runs[0]!;
    const statuses = runs.map((r) => r.validity.status);
    return {
      schemaVersion: 1,
      tool: { name: 'ugbench', version: sweep.packages['ugbench'] ?? 'unknown' },
      createdAt: sweep.createdAt,
      status: statuses.includes('aborted') ? 'aborted' : statuses.includes('invalid') ? 'invalid' : 'valid',
      git: sweep.git,
      packages: sweep.packages,
      machine: sweep.machine,
      // The rate in the name is what tells the steps apart in legends.
      scenario: { path: sweep.scenario.path, name: `${sweep.scenario.name} @ ${rate} req/s`, effective: sweep.scenario.effective },
      seeds: { scenario: 0, plan: 0, weights: 0, requests: 0 },
      plan: {
        measuredArrivals: first.counts.planned,
        warmupArrivals: 0,
        warmupS: 0,
        durationS: first.measuredS,
        meanCandidates: meanCandidates(first),
        distinctUsers: 0,
      },
      runs,
    };
  });
}
