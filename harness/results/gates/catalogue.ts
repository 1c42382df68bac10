/**
 * The metrics a threshold can name, and the labels each accepts. Kept apart from extraction
 * (./values.ts) so the parser can reject an unknown metric or label at its column without
 * knowing anything about results files.
 */

/** Latency statistics a `metric=` label (of speedup) may name. */
export const LATENCY_STATS = ['p50', 'p90', 'p99', 'p999', 'max', 'mean'] as const;
export type LatencyStat = (typeof LATENCY_STATS)[number];
/** Throughput statistics (higher is better, so speedup = variant / vs). */
export const THROUGHPUT_STATS = ['rps', 'cps'] as const;
export type SpeedupStat = LatencyStat | (typeof THROUGHPUT_STATS)[number];

export interface LabelSpec {
  /** allowed values; undefined = any word (variant and runtime names are free) */
  values?: readonly string[];
  required?: boolean;
  /** value used when the label is absent */
  default?: string;
  help: string;
}

export interface MetricSpec {
  help: string;
  labels: Readonly<Record<string, LabelSpec>>;
}

const SELECT = {
  variant: { help: 'run variant, e.g. ugsep (all runs when absent)' },
  runtime: { help: 'runtime that ran, e.g. ort-cpu, reference (all runtimes when absent)' },
} as const satisfies Record<string, LabelSpec>;

const CACHE: LabelSpec = { values: ['all', 'hit', 'miss'], default: 'all', help: 'latency histogram: all requests, cache hits or cache misses' };
const latency = (what: string): MetricSpec => ({ help: `${what} latency, milliseconds`, labels: { ...SELECT, cache: CACHE } });
const count = (help: string): MetricSpec => ({ help, labels: SELECT });
const PARITY_VS: LabelSpec = {
  values: ['reference', 'baseline'],
  default: 'reference',
  help: 'compare sampled scores with the reference runtime (same variant) or with the baseline variant',
};
const parity = (help: string): MetricSpec => ({ help, labels: { ...SELECT, vs: PARITY_VS } });

export const METRICS: Readonly<Record<string, MetricSpec>> = {
  p50_ms: latency('median'),
  p90_ms: latency('90th percentile'),
  p99_ms: latency('99th percentile'),
  p999_ms: latency('99.9th percentile'),
  max_ms: latency('maximum'),
  mean_ms: latency('mean'),
  rps: count('completed requests per second'),
  cps: count('candidates scored per second'),
  completed: count('completed requests'),
  errors: count('requests that failed'),
  error_rate: count('failed / issued requests'),
  dropped: count('requests dropped at the in-flight limit (open loop)'),
  late_starts: count('requests issued later than the late threshold (open loop)'),
  hit_rate: count('observed user-state cache hit rate (no data for runs without a cache)'),
  speedup: {
    help: 'vs-variant statistic / this variant statistic on the same runtime (for rps, cps: this / vs)',
    labels: {
      ...SELECT,
      vs: { required: true, help: 'the variant to compare with, e.g. baseline' },
      metric: { values: [...LATENCY_STATS, ...THROUGHPUT_STATS], default: 'p50', help: 'the statistic compared' },
    },
  },
  score_drift: parity('largest |score - comparison score| over sampled responses'),
  score_drift_mean: parity('mean |score - comparison score| over sampled responses'),
  topk_overlap: parity('mean |top-k ∩ comparison top-k| / k over sampled requests'),
  kendall_tau: parity('mean Kendall tau-b between score orders over sampled requests'),
};

export const METRIC_NAMES = Object.keys(METRICS);
