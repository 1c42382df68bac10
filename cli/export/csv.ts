/**
 * `ugbench export-results --format csv`: one row per run (bucket 'all') and one per tag bucket
 * of that run (cache=hit, cache=miss, ...), for spreadsheets and dashboards. RFC 4180 quoting;
 * latencies in ms with µs precision; one `label.<key>` column per label key seen in any file.
 * `count` is the row's n, the requests its percentiles rest on (the console's `n`);
 * `percentiles_too_few` lists the percentiles of the row that n cannot support with a 99% upper
 * bound, in the console's words (reports/percentiles.ts), empty when all can.
 */
import type { BenchResults } from '../../harness/results/contract.ts';
import { unsupportedNotes } from '../../reports/percentiles.ts';
import { latencyBuckets } from './buckets.ts';

export interface SourcedResults {
  /** the file the results were read from */
  source: string;
  results: BenchResults;
}

const RUN_COLUMNS = ['source', 'scenario', 'created_at', 'git_commit', 'status', 'run', 'variant', 'runtime', 'provider', 'threads', 'weight_precision', 'activation_precision', 'executor', 'target_qps', 'bucket', 'count', 'p50_ms', 'p90_ms', 'p99_ms', 'p999_ms', 'max_ms', 'mean_ms', 'requests_per_s', 'candidates_per_s', 'completed', 'errored', 'dropped', 'hit_rate', 'slo_met', 'validity', 'percentiles_too_few'] as const;
/** the percentiles of the p*_ms columns */
const PERCENTILES = [50, 90, 99, 99.9];

export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

type Cell = string | number | boolean | null | undefined;
const ms = (us: number): number => Math.round(us) / 1000;

export function resultsToCsv(files: readonly SourcedResults[]): string {
  const labelKeys = [...new Set(files.flatMap((f) => Object.keys(f.results.labels ?? {})))].sort();
  const lines = [[...RUN_COLUMNS, ...labelKeys.map((k) => `label.${k}`)].join(',')];
  for (const { source, results } of files) {
    const labels = labelKeys.map((k) => results.labels?.[k]);
    for (const run of results.runs) {
      const runCells = [source, results.scenario.name, results.createdAt, results.git.commit, results.status, run.id, run.variant, run.runtime.runtime, run.runtime.provider, run.runtime.threads, run.runtime.weightPrecision, run.runtime.activationPrecision, run.executor.kind, run.executor.targetQps];
      for (const bucket of latencyBuckets(run)) {
        const s = bucket.summary;
        const whole = bucket.name === 'all';
        const cells: Cell[] = [...runCells, bucket.name, s.count, ms(s.p50Us), ms(s.p90Us), ms(s.p99Us), ms(s.p999Us), ms(s.maxUs), ms(s.meanUs)];
        // throughput, counters and verdicts belong to the whole run, not to a bucket of it
        cells.push(...(whole ? [run.throughput.requestsPerS, run.throughput.candidatesPerS, run.counts.completed, run.counts.errored, run.counts.dropped, run.observedHitRate, run.slo?.met ?? null, run.validity.status] : [null, null, null, null, null, null, null, null]));
        cells.push(unsupportedNotes(PERCENTILES, s.count).join('; '));
        lines.push([...cells, ...labels].map(csvField).join(','));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
