/**
 * Evaluates thresholds against a results file. A threshold's `variant` / `runtime` labels
 * select runs; each selected run is judged on its own and reported by id, because two runtimes
 * of one variant are two systems (an average would let a slow one hide behind a fast one).
 * A threshold that selects no run, or whose value is missing, fails.
 */
import type { BenchResults, RunResult } from '../contract.ts';
import type { Operator } from './tokens.ts';
import type { SourcedThreshold } from './source.ts';
import { metricValue } from './values.ts';

export interface Verdict {
  threshold: SourcedThreshold;
  /** run id, or null when no run matched */
  runId: string | null;
  value: number | null;
  pass: boolean;
  /** why there is no value, when value is null */
  note?: string;
}

export function compare(value: number, op: Operator, limit: number): boolean {
  switch (op) {
    case '<': return value < limit;
    case '<=': return value <= limit;
    case '>': return value > limit;
    case '>=': return value >= limit;
    case '==': return value === limit;
    case '!=': return value !== limit;
  }
}

export function selectRuns(results: BenchResults, labels: Record<string, string>): RunResult[] {
  return results.runs.filter(
    (run) =>
      (labels.variant === undefined || run.variant === labels.variant) &&
      (labels.runtime === undefined || run.runtime.runtime === labels.runtime || run.requestedRuntime === labels.runtime),
  );
}

/**
 * `speedup{vs=baseline}` or `kendall_tau{vs=baseline}` without a variant label means "every
 * other variant": the baseline compared with itself is not a measurement.
 */
function comparesWithItself(threshold: SourcedThreshold, run: RunResult): boolean {
  const vs = threshold.labels.vs;
  return threshold.labels.variant === undefined && vs !== undefined && run.variant === vs;
}

export function evaluateThresholds(results: BenchResults, thresholds: readonly SourcedThreshold[]): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const threshold of thresholds) {
    const runs = selectRuns(results, threshold.labels).filter((run) => !comparesWithItself(threshold, run));
    if (runs.length === 0) {
      const wanted = ['variant', 'runtime'].filter((k) => threshold.labels[k] !== undefined).map((k) => `${k}=${threshold.labels[k]}`);
      verdicts.push({ threshold, runId: null, value: null, pass: false, note: `no run matches ${wanted.join(', ') || '(any)'}` });
      continue;
    }
    for (const run of runs) {
      const result = metricValue(results, run, threshold.metric, threshold.labels);
      if ('missing' in result) verdicts.push({ threshold, runId: run.id, value: null, pass: false, note: result.missing });
      else verdicts.push({ threshold, runId: run.id, value: result.value, pass: compare(result.value, threshold.op, threshold.limit) });
    }
  }
  return verdicts;
}
