/**
 * A threshold's metric read from one run of a results file. Labels `variant` and `runtime`
 * select runs (./evaluate.ts); this file turns (metric, labels, run) into a number, or into a
 * reason why there is none (a missing number must fail a gate, never pass it silently).
 */
import type { BenchResults, LatencySummary, ParityFigures, RunResult } from '../contract.ts';
import type { SpeedupStat } from './catalogue.ts';
import { decodeHistogram } from '../../loadgen/histogram.ts';
import { percentileWithUnansweredUs, unansweredCount } from '../unanswered.ts';

export type MetricValue = { value: number } | { missing: string };

const US_PER_MS = 1000;

function latencyStat(summary: LatencySummary, stat: string): number {
  switch (stat) {
    case 'p50': return summary.p50Us;
    case 'p90': return summary.p90Us;
    case 'p99': return summary.p99Us;
    case 'p999': return summary.p999Us;
    case 'max': return summary.maxUs;
    default: return summary.meanUs;
  }
}

const PERCENTILE_OF: Record<string, number> = { p50: 50, p90: 90, p99: 99, p999: 99.9, max: 100 };

/**
 * Over all requests (cache=all) dropped and failed requests are over every limit
 * (harness/results/judge.ts): a percentile they reach, the max and the mean are unbounded.
 */
function latencyMs(run: RunResult, stat: string, cache: string): MetricValue {
  const summary = cache === 'hit' ? run.latencyUs.cacheHit : cache === 'miss' ? run.latencyUs.cacheMiss : run.latencyUs.overall;
  if (!summary) return { missing: `run has no cache-${cache} histogram (no user cache)` };
  if (summary.count === 0) return { missing: `no completed requests${cache === 'all' ? '' : ` that were cache ${cache}s`}` };
  const unanswered = unansweredCount(run.counts);
  if (cache !== 'all' || unanswered === 0) return { value: latencyStat(summary, stat) / US_PER_MS };
  const percentile = PERCENTILE_OF[stat];
  if (percentile === undefined) return { value: Infinity }; // the mean of a set with unbounded members
  const us = percentileWithUnansweredUs(decodeHistogram(run.histograms.overall), unanswered, percentile);
  return { value: (us ?? Infinity) / US_PER_MS };
}

/** A statistic where bigger is worse (latency) or better (throughput); used by speedup. */
function speedupStat(run: RunResult, stat: SpeedupStat): MetricValue {
  if (stat === 'rps') return { value: run.throughput.requestsPerS };
  if (stat === 'cps') return { value: run.throughput.candidatesPerS };
  return latencyMs(run, stat, 'all');
}

function parityFigure(run: RunResult, vs: string, pick: (f: ParityFigures) => number): MetricValue {
  if (!run.parity) return { missing: 'run has no parity figures (parity sampling was off)' };
  if (run.parity.sampledRequests === 0) return { missing: `parity sampled 0 requests (sampleFraction ${run.parity.sampleFraction}): no figures to judge` };
  const figures = vs === 'baseline' ? run.parity.vsBaseline : run.parity.vsReference;
  if (!figures) return { missing: `run has no parity figures vs ${vs}` };
  return { value: pick(figures) };
}

export function metricValue(results: BenchResults, run: RunResult, metric: string, labels: Record<string, string>): MetricValue {
  const c = run.counts;
  switch (metric) {
    case 'p50_ms': return latencyMs(run, 'p50', labels.cache ?? 'all');
    case 'p90_ms': return latencyMs(run, 'p90', labels.cache ?? 'all');
    case 'p99_ms': return latencyMs(run, 'p99', labels.cache ?? 'all');
    case 'p999_ms': return latencyMs(run, 'p999', labels.cache ?? 'all');
    case 'max_ms': return latencyMs(run, 'max', labels.cache ?? 'all');
    case 'mean_ms': return latencyMs(run, 'mean', labels.cache ?? 'all');
    case 'rps': return { value: run.throughput.requestsPerS };
    case 'cps': return { value: run.throughput.candidatesPerS };
    case 'completed': return { value: c.completed };
    case 'errors': return { value: c.errored };
    case 'error_rate': return c.issued === 0 ? { missing: 'no requests issued' } : { value: c.errored / c.issued };
    case 'dropped': return { value: c.dropped };
    case 'late_starts': return { value: c.lateStarts };
    case 'hit_rate':
      return run.observedHitRate === null ? { missing: 'run used no user-state cache' } : { value: run.observedHitRate };
    case 'speedup': return speedup(results, run, labels.vs ?? '', (labels.metric ?? 'p50') as SpeedupStat);
    case 'score_drift': return parityFigure(run, labels.vs ?? 'reference', (f) => f.maxAbsDrift);
    case 'score_drift_mean': return parityFigure(run, labels.vs ?? 'reference', (f) => f.meanAbsDrift);
    case 'topk_overlap': return parityFigure(run, labels.vs ?? 'reference', (f) => f.topkOverlap);
    case 'kendall_tau': return parityFigure(run, labels.vs ?? 'reference', (f) => f.kendallTau);
    default: return { missing: `unknown metric ${metric}` };
  }
}

/** The vs variant's run on the same runtime, so speedups never mix runtimes. */
function speedup(results: BenchResults, run: RunResult, vs: string, stat: SpeedupStat): MetricValue {
  const other = results.runs.find((r) => r.variant === vs && r.runtime.runtime === run.runtime.runtime);
  if (!other) return { missing: `no ${vs} run on runtime ${run.runtime.runtime} to compare with` };
  const mine = speedupStat(run, stat);
  const theirs = speedupStat(other, stat);
  if ('missing' in mine) return mine;
  if ('missing' in theirs) return { missing: `${other.id}: ${theirs.missing}` };
  const higherIsBetter = stat === 'rps' || stat === 'cps';
  const [num, den] = higherIsBetter ? [mine.value, theirs.value] : [theirs.value, mine.value];
  return den === 0 ? { missing: `${stat} is 0` } : { value: num / den };
}
