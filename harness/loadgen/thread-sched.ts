/**
 * Why starts were late: how long the issuing thread (the load generator's) waited runnable in
 * the kernel's run queue during the measured window, next to its time on a CPU and the host's
 * steal time. Linux only (/proc/thread-self/schedstat, /proc/stat), read at the window's start and
 * end. A late start with run-queue wait means the operating system (or, with steal, the
 * hypervisor) ran something else when the generator was due. A late start without it means
 * the generator itself was busy.
 */
import { readFileSync } from 'node:fs';
import type { IssuerPolicyFacts } from './issuer-priority.ts';

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux ABI Node runs on. */
const TICKS_PER_S = 100;

export interface SchedSample {
  onCpuNs: number;
  runQueueNs: number;
  /** all CPUs' steal ticks; null when /proc/stat has no steal column */
  stealTicks: number | null;
}

/** Issuing-thread scheduling over a measured window (RunResult.issuingThread). */
export interface IssuingThreadFacts extends IssuerPolicyFacts {
  /** time the thread ran on a CPU, ms */
  onCpuMs: number;
  /** time the thread was runnable but waiting for a CPU, ms */
  runQueueWaitMs: number;
  /** time the hypervisor ran other guests on this machine's vCPUs (all of them summed), ms; null when unknown */
  hostStealMs: number | null;
  source: string;
  /** young-generation collections the generator moved into gaps of its schedule (gap-gc.ts) */
  gapCollections?: number;
  /** why it could not (V8's gc unreachable) */
  gapCollectionsUnavailable?: string;
}

/** Read from the calling thread; undefined where /proc does not say (not Linux). */
export function sampleThreadSched(): SchedSample | undefined {
  try {
    const [onCpu, runQueue] = readFileSync('/proc/thread-self/schedstat', 'utf8').trim().split(/\s+/).map(Number);
    if (!Number.isFinite(onCpu) || !Number.isFinite(runQueue)) return undefined;
    return { onCpuNs: onCpu!, runQueueNs: runQueue!, stealTicks: stealTicks() };
  } catch {
    return undefined;
  }
}

function stealTicks(): number | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/); // cpu user nice system idle iowait irq softirq steal ...
    const steal = Number(cpu[8]);
    return cpu[0] === 'cpu' && Number.isFinite(steal) ? steal : null;
  } catch {
    return null;
  }
}

/** The facts between two samples of the same thread. */
export function schedBetween(start: SchedSample, end: SchedSample): IssuingThreadFacts {
  return {
    onCpuMs: (end.onCpuNs - start.onCpuNs) / 1e6,
    runQueueWaitMs: (end.runQueueNs - start.runQueueNs) / 1e6,
    hostStealMs: start.stealTicks === null || end.stealTicks === null ? null : ((end.stealTicks - start.stealTicks) * 1000) / TICKS_PER_S,
    source: '/proc/thread-self/schedstat (issuing thread), /proc/stat steal (all CPUs)',
  };
}
