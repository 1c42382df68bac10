/**
 * What one variant x runtime recorded under the shared plan (harness/loadgen/measure.ts) turned
 * into a RunResult (histograms, summaries, rates, validity, SLO). Facts the harness cannot know
 * (runtime, model cost) come in from the composition root.
 */
import { encodeSplits, legacyViews } from './splits.ts';
import type { ExecutorRecord } from '../loadgen/executors/executor.ts';
import type { CompletionMix } from '../loadgen/recorder.ts';
import { encodeHistogram, summarize } from '../loadgen/histogram.ts';
import type { CostFacts, ExecutorFacts, RunResult, RuntimeFacts, TargetFacts, UserCacheFacts, ModelFacts } from './contract.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { SystemUnderTest } from '../loadgen/sut.ts';
import { judgeSlo, judgeValidity } from './judge.ts';

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
  /** the model as data (config, traits, cost coefficients, weights checksum) */
  model?: ModelFacts;
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

/** `cacheSource`: the SUT whose cross-request cache counters to report; undefined when there is none here (a remote server reports hits per response). */
export function toRunResult(record: ExecutorRecord, cacheSource: Pick<SystemUnderTest, 'cache'> | undefined, id: RunIdentity, scenario: Scenario): RunResult {
  const r = record.recorder;
  const measuredS = record.measuredUs / 1e6;
  const completed = r.counts.completed;
  const requestsPerS = measuredS > 0 ? completed / measuredS : 0;
  const mix = r.mix();
  const lookups = mix.hit.requests + mix.miss.requests;
  // A remote SUT has no cache object here: its server reports hit/miss per response instead.
  const cacheStats = cacheSource?.cache?.stats() ?? (lookups > 0 ? { hits: mix.hit.requests, misses: mix.miss.requests, evictions: 0, expirations: 0, peakBytes: 0 } : undefined);
  const usedCache = id.userCache.used && cacheStats !== undefined;
  const overall = summarize(r.overall);
  const { timingsUs, tags } = encodeSplits(r);
  const views = legacyViews(tags, timingsUs, usedCache);
  const measured = { kind: record.kind, counts: r.counts, measuredS, aborted: record.aborted, planExhausted: record.planExhausted, latency: r.overall };
  const validity = judgeValidity(measured, scenario);
  const slo = judgeSlo(measured, scenario.slo);
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
    ...(record.issuingThread ? { issuingThread: record.issuingThread } : {}),
    histograms: {
      overall: encodeHistogram(r.overall),
      ...views.histograms,
      // kept so shards' lateness merges exactly (summaries cannot be added)
      issueDelay: record.kind === 'open' ? encodeHistogram(r.issueDelay) : null,
    },
    latencyUs: { overall, ...views.latencyUs },
    throughput: { requestsPerS, candidatesPerS: measuredS > 0 ? r.all.candidates / measuredS : 0 },
    observedHitRate: views.observedHitRate,
    cost: completed > 0 ? id.cost(mix, requestsPerS) : null,
    slo,
    errors: Object.fromEntries(r.errors),
    validity,
    ...(id.target ? { target: id.target } : {}),
    ...(views.sutTimingsUs ? { sutTimingsUs: views.sutTimingsUs } : {}),
    ...(views.serverTimingUs ? { serverTimingUs: views.serverTimingUs } : {}),
    ...(views.replicas ? { replicas: views.replicas } : {}),
    timingsUs,
    tags,
    ...(id.model ? { model: id.model } : {}),
  };
}
