/**
 * The open-loop console output at the end of `ugbench bench` and `merge`: the report's run table
 * and parity (reports/console.ts), then what the run's numbers need said. The paired block
 * (reports/paired-table.ts) is printed before it by the bench command.
 */
import type { BenchResults, RunResult } from '../../harness/results/contract.ts';
import { consoleTables } from '../../reports/console.ts';
import { runRows } from '../../reports/runs.ts';

export function formatResultsTable(results: BenchResults, options: { wide?: boolean } = {}): string {
  const out = [consoleTables(runRows([{ path: '', results }]), undefined, { ...options, paired: false }).trimEnd()];
  for (const run of results.runs) {
    for (const reason of run.validity.reasons) out.push(`${run.id}: ${run.validity.status.toUpperCase()}: ${reason}`);
    if (run.userCache.used) out.push(`${run.id}: cross-request cache (ours, not the paper's): ${run.userCache.hits} hits, ${run.userCache.misses} misses, ${run.userCache.evictions} evicted`);
    for (const [message, count] of Object.entries(run.errors)) out.push(`${run.id}: ${count} x error: ${message}`);
    if (run.counts.dropped > 0) out.push(`${run.id}: ${run.counts.dropped} dropped at the in-flight limit (over every latency limit)`);
    const late = lateStartsLine(run);
    if (late) out.push(late);
  }
  out.push('n = completed requests the latency percentiles rest on; * = too few for a 99% upper bound.');
  out.push('lost = dropped + errored requests; open-loop latency counts from the scheduled start.');
  out.push('model x = baseline service-time p50 / this one (compute in the model instance), same runtime.');
  out.push('system x = baseline latency p50 / this one under this load (queueing included).');
  return out.join('\n');
}

/** Late-start share above which the console says why. */
const LATE_SHARE_NOTED = 0.01;

/**
 * Late starts above 1% of issued requests, with what the issuing thread's scheduling says of
 * them: two lines (three when the issuer could not be raised), each within the console's 100 columns.
 */
export function lateStartsLine(run: RunResult): string | null {
  const { lateStarts, issued } = run.counts;
  if (issued === 0 || lateStarts / issued <= LATE_SHARE_NOTED) return null;
  const head = `${run.id}: ${lateStarts} of ${issued} started late (${((lateStarts / issued) * 100).toFixed(1)}%, over ${run.executor.lateThresholdUs ?? '?'} µs)`;
  const t = run.issuingThread;
  if (!t) return `${head};\n  the issuing thread's scheduling is not readable here`;
  const steal = t.hostStealMs === null ? '' : `, host steal ${t.hostStealMs.toFixed(0)} ms`;
  const unraised = t.policyUnchanged ? `\n  it ran ${t.policy ?? 'as started'}, not SCHED_FIFO: see issuingThread.policyUnchanged` : '';
  return `${head};\n  the issuing thread waited ${t.runQueueWaitMs.toFixed(1)} ms runnable for a CPU, ran ${t.onCpuMs.toFixed(0)} ms${steal}${unraised}`;
}
