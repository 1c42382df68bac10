/**
 * The configuration grid `ugbench search` measures (as Triton's Model Analyzer searches instance
 * counts and batching): model instances x intra-op threads per instance, keeping instances x
 * threads <= the cores so no configuration oversubscribes the machine. On 2 cores that is
 * i1-t1, i1-t2, i2-t1. Labels are `i<instances>-t<threads>`, and `-b<maxBatch>-d<maxQueueDelayUs>`
 * when a configuration batches.
 */
import type { SweepConfig } from './results.ts';

export function configLabel(instances: number, threads: number | null, batching?: SweepConfig['batching']): string {
  return `i${instances}-t${threads ?? 'auto'}${batching ? `-b${batching.maxBatch}-d${batching.maxQueueDelayUs}` : ''}`;
}

export function defaultGrid(cores: number, batchings: readonly (SweepConfig['batching'] | undefined)[] = [undefined]): SweepConfig[] {
  const grid: SweepConfig[] = [];
  for (let instances = 1; instances <= cores; instances *= 2) {
    for (let threads = 1; instances * threads <= cores; threads *= 2) {
      for (const batching of batchings) grid.push({ label: configLabel(instances, threads, batching), instances, threads, ...(batching ? { batching } : {}) });
    }
  }
  return grid;
}

/** `i1-t2,i2-t1[,i1-t1-b8-d2000]` -> configurations; null with the bad entry when one does not parse. */
export function parseGrid(text: string): { grid: SweepConfig[] } | { bad: string } {
  const grid: SweepConfig[] = [];
  for (const entry of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^i([1-9][0-9]*)-t([1-9][0-9]*)(?:-b([1-9][0-9]*)-d([0-9]+))?$/.exec(entry);
    if (!m) return { bad: entry };
    const instances = Number(m[1]);
    const threads = Number(m[2]);
    const batching = m[3] !== undefined && m[4] !== undefined ? { maxBatch: Number(m[3]), maxQueueDelayUs: Number(m[4]) } : undefined;
    grid.push({ label: configLabel(instances, threads, batching), instances, threads, ...(batching ? { batching } : {}) });
  }
  return grid.length === 0 ? { bad: text } : { grid };
}

export interface BestConfig {
  variant: string;
  runtime: string;
  seriesId: string | null;
  peakQps: number | null;
}

/** Best configuration per variant x runtime by peak rate under the SLO (null when none sustained any rate). */
export function bestPerVariant(series: readonly { id: string; variant: string; runtime: string; peakQps: number | null }[]): BestConfig[] {
  const best = new Map<string, BestConfig>();
  for (const s of series) {
    const key = `${s.variant}@${s.runtime}`;
    const current = best.get(key);
    if (!current) best.set(key, { variant: s.variant, runtime: s.runtime, seriesId: s.peakQps === null ? null : s.id, peakQps: s.peakQps });
    else if (s.peakQps !== null && (current.peakQps === null || s.peakQps > current.peakQps)) best.set(key, { ...current, seriesId: s.id, peakQps: s.peakQps });
  }
  return [...best.values()];
}
