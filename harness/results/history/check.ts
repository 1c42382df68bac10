/**
 * `history check`: one series per scenario (by hash), run id and metric, in store order (the
 * order CI added them), each searched for change points (./change-points.ts). A change names
 * the commit of the first record after it. Only valid records enter a series: an invalid run's
 * numbers are not a measurement of the commit.
 */
import { findChangePoints, resolvedOptions, type ChangePoint, type ChangePointOptions } from './change-points.ts';
import type { HistoryRecord, HistoryRun } from './store.ts';

interface Metric {
  name: string;
  value: (run: HistoryRun) => number;
  /** true when a larger value is worse (latency), false when smaller is worse (throughput) */
  higherIsWorse: boolean;
}

const METRICS: readonly Metric[] = [
  { name: 'p50-latency-us', value: (r) => r.p50Us, higherIsWorse: true },
  { name: 'p99-latency-us', value: (r) => r.p99Us, higherIsWorse: true },
  { name: 'throughput-rps', value: (r) => r.requestsPerS, higherIsWorse: false },
];

export interface SeriesChange extends ChangePoint {
  commit: string;
  /** commit of the record just before the change */
  previousCommit: string;
  direction: 'regression' | 'improvement';
}

export interface SeriesReport {
  /** `scenario@hash8 runId metric` */
  series: string;
  points: number;
  changes: SeriesChange[];
  /** a regression whose first record is the store's newest commit */
  newestRegressed: boolean;
}

export interface HistoryCheck {
  series: SeriesReport[];
  newestCommit: string | undefined;
  skippedInvalid: number;
  options: Required<ChangePointOptions>;
}

export function checkHistory(records: readonly HistoryRecord[], options: ChangePointOptions = {}): HistoryCheck {
  const valid = records.filter((r) => r.status === 'valid');
  const newestCommit = valid.at(-1)?.commit;
  const groups = new Map<string, { commits: string[]; runs: HistoryRun[] }>();
  for (const record of valid) {
    for (const run of record.runs) {
      if (run.completed === 0) continue;
      const key = `${record.scenario.name}@${record.scenario.hash.slice(0, 8)} ${run.id}`;
      const group = groups.get(key) ?? { commits: [], runs: [] };
      group.commits.push(record.commit);
      group.runs.push(run);
      groups.set(key, group);
    }
  }
  const series: SeriesReport[] = [];
  for (const [key, group] of groups) {
    for (const metric of METRICS) {
      const values = group.runs.map(metric.value);
      if (values.some((v) => !(v > 0))) continue; // log scale needs positive values
      const changes = findChangePoints(values, options).map((c): SeriesChange => ({
        ...c,
        commit: group.commits[c.index] as string,
        previousCommit: group.commits[c.index - 1] as string,
        direction: (c.relative > 0) === metric.higherIsWorse ? 'regression' : 'improvement',
      }));
      const newestRegressed = changes.some((c) => c.direction === 'regression' && c.commit === newestCommit && group.commits.at(-1) === newestCommit);
      series.push({ series: `${key} ${metric.name}`, points: values.length, changes, newestRegressed });
    }
  }
  return { series, newestCommit, skippedInvalid: records.length - valid.length, options: resolvedOptions(options) };
}

export function formatHistoryCheck(check: HistoryCheck): string[] {
  const o = check.options;
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  const lines = [
    `history check: E-divisive means proposes splits, Welch t-test on ${o.window} points each side decides (p < ${o.significance}, |change| >= ${(o.minRelativeChange * 100).toFixed(1)}%, >= ${o.minSegment} points per side); the newest point is tested against the ${o.window} before it`,
  ];
  if (check.skippedInvalid > 0) lines.push(`skipped ${check.skippedInvalid} records whose results were not valid`);
  for (const s of check.series) {
    if (s.changes.length === 0) {
      lines.push(`${s.series}: no change over ${s.points} points`);
      continue;
    }
    for (const c of s.changes) {
      lines.push(
        `${s.series}: ${c.direction} ${pct(c.relative)} at commit ${c.commit.slice(0, 12)} (after ${c.previousCommit.slice(0, 12)}; point ${c.index + 1} of ${s.points}; mean ${c.before.toFixed(1)} -> ${c.after.toFixed(1)}, p ${c.p.toPrecision(2)}, n ${c.countBefore} vs ${c.countAfter})${s.newestRegressed && c.commit === check.newestCommit ? '  NEWEST COMMIT' : ''}`,
      );
    }
  }
  return lines;
}
