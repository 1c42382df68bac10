/**
 * Why starts were late: the issuing thread's run-queue wait and CPU time over the measured window
 * (Linux /proc), and the console line that states them when late starts pass 1%.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleThreadSched, schedBetween } from '../../../harness/loadgen/thread-sched.ts';
import { lateStartsLine } from '../../../cli/bench/table.ts';
import type { RunResult } from '../../../harness/results/contract.ts';

const noProc = existsSync('/proc/thread-self/schedstat') ? undefined : 'no /proc/thread-self/schedstat here (not Linux): the issuing thread cannot be read';

describe('issuing-thread scheduling', () => {
  it('differences of two samples, steal ticks at 100 per second', () => {
    const facts = schedBetween({ onCpuNs: 1e9, runQueueNs: 2e6, stealTicks: 10 }, { onCpuNs: 1.5e9, runQueueNs: 9.5e6, stealTicks: 13 });
    expect(facts.onCpuMs).toBe(500);
    expect(facts.runQueueWaitMs).toBe(7.5);
    expect(facts.hostStealMs).toBe(30);
    expect(schedBetween({ onCpuNs: 0, runQueueNs: 0, stealTicks: null }, { onCpuNs: 0, runQueueNs: 0, stealTicks: 5 }).hostStealMs).toBeNull();
  });

  it.skipIf(noProc !== undefined)('reads this thread: CPU time grows while it spins', () => {
    const a = sampleThreadSched()!;
    const until = performance.now() + 30;
    while (performance.now() < until) {
      /* spin: on a CPU */
    }
    const facts = schedBetween(a, sampleThreadSched()!);
    console.log(`30 ms spin: on CPU ${facts.onCpuMs.toFixed(1)} ms, run-queue wait ${facts.runQueueWaitMs.toFixed(2)} ms, steal ${String(facts.hostStealMs)} ms`);
    expect(facts.onCpuMs + facts.runQueueWaitMs).toBeGreaterThan(20);
    expect(facts.runQueueWaitMs).toBeGreaterThanOrEqual(0);
  });

  it.runIf(noProc !== undefined)('states why it cannot read the thread here', () => {
    console.log(`skipped: ${String(noProc)}`);
    expect(sampleThreadSched()).toBeUndefined();
  });

  it('the console says why starts were late above 1%, and nothing at or below it', () => {
    const run = (lateStarts: number, issuingThread?: RunResult['issuingThread']): RunResult =>
      ({ id: 'ugsep@ort-cpu', counts: { issued: 200, lateStarts }, executor: { lateThresholdUs: 1000 }, ...(issuingThread ? { issuingThread } : {}) }) as unknown as RunResult;
    expect(lateStartsLine(run(2))).toBeNull(); // 1.0%
    expect(lateStartsLine(run(3, { onCpuMs: 410, runQueueWaitMs: 52.25, hostStealMs: 20, source: 'test' }))).toBe(
      'ugsep@ort-cpu: 3 of 200 started late (1.5%, over 1000 µs);\n  the issuing thread waited 52.3 ms runnable for a CPU, ran 410 ms, host steal 20 ms',
    );
    expect(lateStartsLine(run(3))).toMatch(/not readable here$/);
    // within the console's 100 columns, even for a long run id
    const long = { ...run(3, { onCpuMs: 12345, runQueueWaitMs: 1234.5, hostStealMs: 99999, source: 'test', policy: 'SCHED_OTHER', policyUnchanged: 'chrt failed' }), id: 'ugsep-w8a16@ort-cuda-tensorrt' };
    for (const line of lateStartsLine(long)!.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    // an issuer that could not be raised says so on a third line
    expect(lateStartsLine(long)!.split('\n')[2]).toBe('  it ran SCHED_OTHER, not SCHED_FIFO: see issuingThread.policyUnchanged');
  });
});
