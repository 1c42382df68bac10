/**
 * What one variant x runtime recorded under the shared plan (harness/loadgen/measure.ts) turned
 * into a RunResult (histograms, summaries, rates, validity, SLO). Facts the harness cannot know
 * (runtime, model cost) come in from the composition root.
 */
import type { Clock } from '../loadgen/clock.ts';
import type { ExecutorRecord } from '../loadgen/executors/executor.ts';
import type { CompletionMix } from '../loadgen/recorder.ts';
import { encodeHistogram, summarize } from '../loadgen/histogram.ts';
import type { CostFacts, ExecutorFacts, RunResult, RuntimeFacts, TargetFacts, UserCacheFacts } from './contract.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { SystemUnderTest } from '../loadgen/sut.ts';
import { judgeValidity } from './validity.ts';

export interface RunIdentity {
  variant: string;
  /** the runtime's registry name (e.g. 'ort-cpu'); with the variant it makes the run id */
  runtimeName: string;
  requestedRuntime: string;
  runtime: RuntimeFacts;
  /** static cache facts (limits, state size); counters are filled from the SUT */
  userCache: Omit<UserCacheFacts, 'hits' | 'misses' | 'evictions' | 'expirations' | 'peakBytes'>;
  /** cost-model figures for this mix of completions at this request rate; null when unknown */
  cost: (mix: CompletionMix, requestsPerS: number) => CostFacts | null;
  /** where requests went (absent: in-process) */
  target?: TargetFacts;
}

export function executorFacts(scenario: Scenario, kind: ExecutorFacts['kind']): ExecutorFacts {
  const a = scenario.traffic.arrivals;
  const open = a.process === 'poisson' || a.process === 'constant';
  return {
    kind,
    arrival: a.process,
    targetQps: open ? a.rateQps : null,
    concurrency: a.process === 'closed' ? a.concurrency : null,
    inFlightLimit: open ? scenario.traffic.inFlightLimit : null,
    lateThresholdUs: open ? scenario.traffic.lateThresholdUs : null,
    latencyOrigin: open ? 'scheduled-start' : 'issue',
  };
}

export function toRunResult(record: ExecutorRecord, sut: SystemUnderTest, id: RunIdentity, scenario: Scenario): RunResult {
  const r = record.recorder;
  const measuredS = record.measuredUs / 1e6;
  const completed = r.counts.completed;
  const requestsPerS = measuredS > 0 ? completed / measuredS : 0;
  const candidates = r.mix.hit.candidates + r.mix.miss.candidates + r.mix.none.candidates;
  const lookups = r.mix.hit.requests + r.mix.miss.requests;
  // A remote SUT has no cache object here: its server reports hit/miss per response instead.
  const cacheStats = sut.cache?.stats() ?? (lookups > 0 ? { hits: r.mix.hit.requests, misses: r.mix.miss.requests, evictions: 0, expirations: 0, peakBytes: 0 } : undefined);
  const usedCache = id.userCache.used && cacheStats !== undefined;
  const overall = summarize(r.overall);
  const minDurationS = scenario.run.minDurationS ?? (record.kind === 'offline' ? 0 : scenario.run.durationS);
  const validity = judgeValidity(record, { minQueries: scenario.run.minQueries, minDurationS });
  const slo = scenario.slo
    ? {
        p99Ms: scenario.slo.p99Ms ?? null,
        p50Ms: scenario.slo.p50Ms ?? null,
        met:
          completed > 0 &&
          r.counts.dropped === 0 &&
          r.counts.errored === 0 &&
          (scenario.slo.p99Ms === undefined || overall.p99Us <= scenario.slo.p99Ms * 1000) &&
          (scenario.slo.p50Ms === undefined || overall.p50Us <= scenario.slo.p50Ms * 1000),
      }
    : null;
  return {
    id: `${id.variant}@${id.runtimeName}`,
    variant: id.variant,
    requestedRuntime: id.requestedRuntime,
    runtime: id.runtime,
    userCache: {
      ...id.userCache,
      used: usedCache,
      hits: cacheStats?.hits ?? 0,
      misses: cacheStats?.misses ?? 0,
      evictions: cacheStats?.evictions ?? 0,
      expirations: cacheStats?.expirations ?? 0,
      peakBytes: cacheStats?.peakBytes ?? 0,
    },
    executor: executorFacts(scenario, record.kind),
    measuredS,
    counts: { ...r.counts },
    issueDelayUs: record.kind === 'open' ? summarize(r.issueDelay) : null,
    histograms: {
      overall: encodeHistogram(r.overall),
      cacheHit: usedCache ? encodeHistogram(r.cacheHit) : null,
      cacheMiss: usedCache ? encodeHistogram(r.cacheMiss) : null,
      // kept so shards' lateness merges exactly (summaries cannot be added)
      issueDelay: record.kind === 'open' ? encodeHistogram(r.issueDelay) : null,
      ...(r.sutTimings.size > 0 ? { sutTimings: Object.fromEntries([...r.sutTimings].map(([name, h]) => [name, encodeHistogram(h)])) } : {}),
    },
    latencyUs: {
      overall,
      cacheHit: usedCache ? summarize(r.cacheHit) : null,
      cacheMiss: usedCache ? summarize(r.cacheMiss) : null,
    },
    throughput: { requestsPerS, candidatesPerS: measuredS > 0 ? candidates / measuredS : 0 },
    observedHitRate: usedCache && lookups > 0 ? r.mix.hit.requests / lookups : null,
    cost: completed > 0 ? id.cost(r.mix, requestsPerS) : null,
    slo,
    errors: Object.fromEntries(r.errors),
    validity,
    ...(id.target ? { target: id.target } : {}),
    ...(r.sutTimings.size > 0 ? { sutTimingsUs: Object.fromEntries([...r.sutTimings].map(([name, h]) => [name, summarize(h)])) } : {}),
    ...(r.serverCompute.totalCount > 0 ? { serverTimingUs: { queue: summarize(r.serverQueue), compute: summarize(r.serverCompute) } } : {}),
    ...(r.replicas.size > 0
      ? {
          replicas: [...r.replicas].map(([endpoint, rec]) => ({
            endpoint,
            completed: rec.completed,
            errored: rec.errored,
            hitRate: rec.hits + rec.misses > 0 ? rec.hits / (rec.hits + rec.misses) : null,
            latencyUs: summarize(rec.latency),
          })),
        }
      : {}),
  };
}
