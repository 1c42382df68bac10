/**
 * The open-loop console output at the end of `ugbench bench` and `merge`: the report's run table
 * and parity (reports/console.ts), then what the run's numbers need said. The paired block
 * (reports/paired-table.ts) is printed before it by the bench command.
 */
import type { BenchResults } from '../../harness/results/contract.ts';
import { consoleTables } from '../../reports/console.ts';
import { runRows } from '../../reports/runs.ts';

export function formatResultsTable(results: BenchResults, options: { wide?: boolean } = {}): string {
  const out = [consoleTables(runRows([{ path: '', results }]), undefined, { ...options, paired: false }).trimEnd()];
  for (const run of results.runs) {
    for (const reason of run.validity.reasons) out.push(`${run.id}: ${run.validity.status.toUpperCase()}: ${reason}`);
    if (run.userCache.used) out.push(`${run.id}: cross-request cache (ours, not the paper's): ${run.userCache.hits} hits, ${run.userCache.misses} misses, ${run.userCache.evictions} evicted`);
    for (const [message, count] of Object.entries(run.errors)) out.push(`${run.id}: ${count} x error: ${message}`);
    if (run.counts.dropped > 0) out.push(`${run.id}: ${run.counts.dropped} dropped at the in-flight limit (over every latency limit)`);
  }
  out.push('n = completed requests the latency percentiles rest on; * = too few for a 99% upper bound.');
  out.push('lost = dropped + errored requests; open-loop latency counts from the scheduled start.');
  out.push('model x = baseline service-time p50 / this one (compute in the model instance), same runtime.');
  out.push('system x = baseline latency p50 / this one under this load (queueing included).');
  return out.join('\n');
}
