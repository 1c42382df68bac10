/**
 * The per-tag table: for every run, every tag key its requests carried (cache, replica,
 * instance, kernel, candidate bucket, ...) and every value, with the latency and the SUT's own
 * timings of those requests. Read generically from `run.tags`: a new tag appears here without
 * a change to the reporter.
 */
import type { RunResult, SplitFacts } from '../harness/results/contract.ts';
import type { RunRow } from './runs.ts';

export interface TagTable {
  headers: string[];
  numeric: boolean[];
  rows: string[][];
}

const ms = (us: number): string => (us / 1000).toFixed(us < 10_000 ? 2 : 1);

/** Timing names present in any split, in a stable order. */
function timingNames(runs: readonly RunResult[]): string[] {
  const names = new Set<string>();
  for (const run of runs) for (const values of Object.values(run.tags ?? {})) for (const s of Object.values(values)) for (const n of Object.keys(s.timingsUs)) names.add(n);
  return [...names].sort();
}

function splitRow(series: string, key: string, value: string, s: SplitFacts, run: RunResult, timings: readonly string[]): string[] {
  const share = run.counts.completed > 0 ? `${((s.completed / run.counts.completed) * 100).toFixed(1)}%` : 'n/a';
  const l = s.latencyUs.summary;
  const cells = [series, key, value, String(s.completed), String(s.errored), share, l.count > 0 ? ms(l.p50Us) : 'n/a', l.count > 0 ? ms(l.p99Us) : 'n/a', String(l.count)];
  for (const name of timings) {
    const t = s.timingsUs[name]?.summary;
    cells.push(t && t.count > 0 ? ms(t.p50Us) : '-');
  }
  return cells;
}

export function tagTable(rows: readonly RunRow[]): TagTable {
  const timings = timingNames(rows.map((r) => r.run));
  const headers = ['run', 'tag', 'value', 'completed', 'errored', 'share', 'p50 ms', 'p99 ms', 'samples', ...timings.map((n) => `${n} p50 ms`)];
  const body: string[][] = [];
  for (const row of rows) {
    const tags = row.run.tags ?? {};
    for (const key of Object.keys(tags).sort()) {
      const values = tags[key]!;
      for (const value of Object.keys(values).sort()) body.push(splitRow(row.series, key, value, values[value]!, row.run, timings));
    }
  }
  return { headers, numeric: headers.map((_h, i) => i >= 3), rows: body };
}
