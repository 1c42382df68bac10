/**
 * Printed percentiles with what they rest on, the same in the console, the HTML and the CSV and
 * Markdown exports (cli/export/): a value whose n cannot support it (no 99% upper bound,
 * harness/results/percentile-bound.ts) carries a `*` (in CSV, a `percentiles_too_few` column),
 * and the notes under the table say which percentile of which run needs how many requests, and
 * give the 99% upper bound of those that are supported.
 */
import { percentileBound, percentileName, unsupportedNote } from '../harness/results/percentile-bound.ts';
import type { RunResult } from '../harness/results/contract.ts';
import { decodeLatencyHistogram } from './histograms.ts';
import type { RunRow } from './runs.ts';

export const ms = (us: number): string => (us === Infinity ? 'inf' : (us / 1000).toFixed(us >= 100_000 ? 0 : us >= 10_000 ? 1 : 2));

/** Requests the latency percentiles of a run rest on (completed). */
export function latencyN(run: RunResult): number {
  return run.latencyUs.overall.count;
}

/** A latency percentile in ms, `*` when its n cannot support it. */
export function percentileMs(us: number, percentile: number, n: number): string {
  if (n === 0) return '-';
  return `${ms(us)}${unsupportedNote(percentile, n) ? '*' : ''}`;
}

/**
 * The marks of the percentiles n requests cannot support ('p99 n=36: too few, needs 459'), in
 * the order given; none when n is 0 (nothing is printed then).
 */
export function unsupportedNotes(percentiles: readonly number[], n: number): string[] {
  return n === 0 ? [] : percentiles.flatMap((p) => unsupportedNote(p, n) ?? []);
}

/**
 * The notes under a table printing `percentiles` of these runs: one line per unsupported
 * (percentile, n) naming the runs, and one line of 99% upper bounds of the highest supported.
 */
export function percentileNotes(rows: readonly RunRow[], percentiles: readonly number[]): string[] {
  const unsupported = new Map<string, string[]>();
  for (const row of rows) {
    for (const note of unsupportedNotes(percentiles, latencyN(row.run))) unsupported.set(note, [...(unsupported.get(note) ?? []), row.series]);
  }
  const lines = [...unsupported].map(([note, series]) => `* ${note} for a 99% upper bound (${series.length === rows.length && rows.length > 1 ? 'every run' : series.join(', ')})`);
  const top = Math.max(...percentiles);
  for (const row of rows) {
    const bound = percentileBound(decodeLatencyHistogram(row.run.histograms.overall), top);
    if (bound.supported) lines.push(`${percentileName(top)} <= ${ms(bound.upperUs!)} ms at 99% confidence (n=${bound.n}, ${bound.samplesAbove} above it): ${row.series}`);
  }
  return lines;
}
