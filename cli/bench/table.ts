/** The console output at the end of `ugbench bench` and `merge`: the report's tables (paired speedups, runs, parity), then what the run's numbers need said. */
import type { BenchResults } from '../../harness/results/contract.ts';
import { consoleTables } from '../../reports/console.ts';
import { runRows } from '../../reports/runs.ts';

export function formatResultsTable(results: BenchResults, options: { wide?: boolean } = {}): string {
  const out = [consoleTables(runRows([{ path: '', results }]), undefined, options).trimEnd()];
  for (const run of results.runs) {
    for (const reason of run.validity.reasons) out.push(`${run.id}: ${run.validity.status.toUpperCase()}: ${reason}`);
    if (run.userCache.used) out.push(`${run.id}: used a cross-request user-state cache (ours, not the paper's): hits ${run.userCache.hits}, misses ${run.userCache.misses}, evictions ${run.userCache.evictions}`);
    for (const [message, count] of Object.entries(run.errors)) out.push(`${run.id}: ${count} x error: ${message}`);
  }
  out.push('n = completed requests the latency percentiles rest on; * = too few of them for a 99% upper bound (see above).');
  out.push('offered/s = the plan\'s measured arrivals / measured window; open-loop latency counts from the scheduled start.');
  out.push('model x = baseline service-time p50 / this service-time p50 (compute inside the model instance, under this load), same runtime.');
  if (options.wide) out.push('system x = baseline latency p50 / this latency p50 under this load (includes queueing).');
  return out.join('\n');
}
