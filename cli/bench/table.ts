/** The console table printed at the end of `ugbench bench`: one row per run, read from results only. */
import type { BenchResults, RunResult } from '../../harness/results/contract.ts';

const ms = (us: number): string => (us / 1000).toFixed(us >= 100_000 ? 0 : us >= 10_000 ? 1 : 2);

export function formatResultsTable(results: BenchResults): string {
  const baseline = new Map<string, RunResult>();
  for (const run of results.runs) if (run.variant === 'baseline') baseline.set(run.runtime.runtime, run);
  const header = ['run', 'model', 'exec', 'done', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'req/s', 'cand/s', 'hit', 'late', 'drop', 'err', 'GFLOP/s', 'svc p50 ms', 'model x', 'system x', 'SLO', 'validity'];
  const rows = results.runs.map((run) => {
    const l = run.latencyUs.overall;
    const base = baseline.get(run.runtime.runtime);
    const speedup = base && base !== run && l.p50Us > 0 ? (base.latencyUs.overall.p50Us / l.p50Us).toFixed(2) : '';
    const service = run.sutTimingsUs?.service;
    const baseService = base?.sutTimingsUs?.service;
    const modelSpeedup = service && baseService && base !== run && service.p50Us > 0 ? (baseService.p50Us / service.p50Us).toFixed(2) : '';
    const exec = run.executor.kind === 'open' ? `${run.executor.arrival}@${run.executor.targetQps}` : run.executor.kind === 'closed' ? `closed x${run.executor.concurrency}` : 'offline';
    return [
      run.id,
      String(run.runtime.details.model ?? ''),
      exec,
      String(run.counts.completed),
      ms(l.p50Us),
      ms(l.p90Us),
      ms(l.p99Us),
      ms(l.p999Us),
      ms(l.maxUs),
      run.throughput.requestsPerS.toFixed(1),
      run.throughput.candidatesPerS.toFixed(0),
      run.observedHitRate === null ? '-' : `${(run.observedHitRate * 100).toFixed(1)}%`,
      String(run.counts.lateStarts),
      String(run.counts.dropped),
      String(run.counts.errored),
      run.cost ? run.cost.achievedGflopPerS.toFixed(2) : '-',
      service ? ms(service.p50Us) : '-',
      modelSpeedup,
      speedup,
      run.slo ? (run.slo.met ? 'met' : 'MISSED') : '-',
      run.validity.status === 'valid' ? 'valid' : run.validity.status.toUpperCase(),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i <= 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  for (const run of results.runs) {
    for (const reason of run.validity.reasons) out.push(`${run.id}: ${run.validity.status.toUpperCase()}: ${reason}`);
    if (run.userCache.used) out.push(`${run.id}: used a cross-request user-state cache (ours, not the paper's): hits ${run.userCache.hits}, misses ${run.userCache.misses}, evictions ${run.userCache.evictions}`);
    for (const [message, count] of Object.entries(run.errors)) out.push(`${run.id}: ${count} x error: ${message}`);
  }
  out.push('model x = the model\'s speedup: baseline service-time p50 / this service-time p50 (compute inside the model instance), same runtime.');
  out.push('system x = the system\'s speedup under this load: baseline latency p50 / this latency p50 (includes queueing); open-loop latency counts from the scheduled start.');
  return out.join('\n');
}
