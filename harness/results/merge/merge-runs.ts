/**
 * One run (variant x runtime) merged across shards. Histograms are decoded and added, so merged
 * percentiles are those of all requests pooled (within the histogram's 0.1% precision), never
 * an average of percentiles. Counters are summed. Rates use the longest shard window, because
 * shards run side by side. Validity and the SLO are judged again (harness/results/judge.ts) on the
 * merged numbers against the whole run's scenario, not the shards' shares of it.
 */
import { toCostFacts } from '../cost-facts.ts';
import type { Histogram } from 'hdr-histogram-js';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, summarize } from '../../loadgen/histogram.ts';
import type { CostFacts, ParityFacts, ParityFigures, RunCounts, RunResult } from '../contract.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { judgeSlo, judgeValidity } from '../judge.ts';
import { addTags, addTimings, legacyViews, tagsOf } from '../splits.ts';

/** A run of one shard, with the shard it came from (for reasons). */
export interface ShardRun {
  shardLabel: string;
  run: RunResult;
}

/** Reasons a shard gives that merged numbers re-judge (the shard was judged on its share). */
const REJUDGED_REASON = /^(completed queries:|measured duration:|aborted by a signal)/;
const MAX_DISTINCT_ERRORS = 20;

export function addHistograms(encoded: readonly string[]): Histogram {
  const total = createLatencyHistogram();
  for (const e of encoded) total.add(decodeHistogram(e));
  return total;
}

export function mergeRun(parts: readonly ShardRun[], scenario: Scenario, extraReasons: readonly string[]): RunResult {
  const first = parts[0]!.run;
  const runs = parts.map((p) => p.run);
  const overall = addHistograms(runs.map((r) => r.histograms.overall));
  const nonNull = (xs: (string | null | undefined)[]): string[] => xs.filter((x): x is string => typeof x === 'string');
  const usedCache = runs.some((r) => r.userCache.used);
  // generic: every timing and every tag value of every shard is added, nothing is dropped
  const timingsUs = addTimings(runs.map((r) => r.timingsUs ?? {}));
  const tags = addTags(runs.map(tagsOf));
  const views = legacyViews(tags, timingsUs, usedCache);
  const delayEncoded = nonNull(runs.map((r) => r.histograms.issueDelay));
  const open = first.executor.kind === 'open';
  // lateness merges only when every shard kept its histogram (files from before issue 9 did not)
  const issueDelay = open && delayEncoded.length === runs.length ? addHistograms(delayEncoded) : null;

  const counts = sumCounts(runs.map((r) => r.counts));
  const measuredS = Math.max(...runs.map((r) => r.measuredS));
  const candidates = runs.reduce((s, r) => s + r.throughput.candidatesPerS * r.measuredS, 0);
  const requestsPerS = measuredS > 0 ? counts.completed / measuredS : 0;
  const summary = summarize(overall);

  const inherited = [...extraReasons];
  for (const p of parts) for (const reason of p.run.validity.reasons) if (!REJUDGED_REASON.test(reason)) inherited.push(`${p.shardLabel}: ${reason}`);
  const aborted = runs.some((r) => r.validity.status === 'aborted');
  const measured = { kind: first.executor.kind, counts, measuredS, aborted, planExhausted: false, latency: overall };
  const validity = judgeValidity(measured, scenario, inherited);
  const slo = judgeSlo(measured, scenario.slo);

  const merged: RunResult = {
    id: first.id,
    variant: first.variant,
    requestedRuntime: first.requestedRuntime,
    runtime: first.runtime,
    userCache: {
      ...first.userCache,
      used: usedCache,
      // each shard's cache held 1/n of the budget (harness/loadgen/traffic/shard-scenario.ts): report the run's budget
      capacityBytes: first.userCache.capacityBytes === null ? null : (scenario.cache.capacityBytes ?? null),
      capacityUsers: first.userCache.capacityUsers === null ? null : (scenario.cache.capacityUsers ?? null),
      hits: sum(runs.map((r) => r.userCache.hits)),
      misses: sum(runs.map((r) => r.userCache.misses)),
      evictions: sum(runs.map((r) => r.userCache.evictions)),
      expirations: sum(runs.map((r) => r.userCache.expirations)),
      // separate caches side by side: the sum of their peaks bounds the total held at once
      peakBytes: sum(runs.map((r) => r.userCache.peakBytes)),
    },
    executor: { ...first.executor, concurrency: first.executor.concurrency === null ? null : sum(runs.map((r) => r.executor.concurrency ?? 0)) },
    measuredS,
    counts,
    issueDelayUs: issueDelay ? summarize(issueDelay) : null,
    histograms: { overall: encodeHistogram(overall), ...views.histograms, issueDelay: issueDelay ? encodeHistogram(issueDelay) : null },
    latencyUs: { overall: summary, ...views.latencyUs },
    throughput: { requestsPerS, candidatesPerS: measuredS > 0 ? candidates / measuredS : 0 },
    observedHitRate: views.observedHitRate,
    cost: mergeCost(runs, requestsPerS),
    slo,
    errors: mergeErrors(runs.map((r) => r.errors)),
    validity,
  };
  const parity = mergeParity(runs.map((r) => r.parity));
  if (parity) merged.parity = parity;
  if (first.target) merged.target = first.target;
  if (first.model) merged.model = first.model;
  if (views.sutTimingsUs) merged.sutTimingsUs = views.sutTimingsUs;
  if (views.serverTimingUs) merged.serverTimingUs = views.serverTimingUs;
  if (views.replicas) merged.replicas = views.replicas;
  merged.timingsUs = timingsUs;
  merged.tags = tags;
  return merged;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0);
}

function sumCounts(all: readonly RunCounts[]): RunCounts {
  const out: RunCounts = { planned: 0, issued: 0, completed: 0, errored: 0, dropped: 0, lateStarts: 0, notIssued: 0, warmupCompleted: 0 };
  for (const c of all) for (const key of Object.keys(out) as (keyof RunCounts)[]) out[key] += c[key];
  return out;
}

function mergeErrors(all: readonly Record<string, number>[]): Record<string, number> {
  const out = new Map<string, number>();
  for (const errors of all) {
    for (const [message, n] of Object.entries(errors)) {
      if (out.has(message) || out.size < MAX_DISTINCT_ERRORS) out.set(message, (out.get(message) ?? 0) + n);
    }
  }
  return Object.fromEntries(out);
}

/** Per-request figures weighted by completed requests; achieved rates at the merged request rate. */
function mergeCost(runs: readonly RunResult[], requestsPerS: number): CostFacts | null {
  const withCost = runs.filter((r) => r.cost !== null && r.counts.completed > 0);
  const n = sum(withCost.map((r) => r.counts.completed));
  if (n === 0) return null;
  const mean = (pick: (c: CostFacts) => number): number => sum(withCost.map((r) => pick(r.cost!) * r.counts.completed)) / n;
  const flops = mean((c) => c.flopsPerRequest);
  const weightBytes = mean((c) => c.weightBytesPerRequest);
  const activationBytes = mean((c) => c.activationBytesPerRequest);
  return toCostFacts({ flops, weightBytes, activationBytes }, requestsPerS);

}

/** Drift maxima of maxima; means weighted by what they average over (candidates or requests). */
function mergeParity(all: readonly (ParityFacts | undefined)[]): ParityFacts | undefined {
  const facts = all.filter((p): p is ParityFacts => p !== undefined);
  const [first] = facts;
  if (!first) return undefined;
  const figures = (pick: (p: ParityFacts) => ParityFigures | null): ParityFigures | null => {
    const parts = facts.filter((p) => pick(p) !== null && p.sampledRequests > 0);
    const requests = sum(parts.map((p) => p.sampledRequests));
    const cands = sum(parts.map((p) => p.sampledCandidates));
    const [head] = parts;
    if (!head || requests === 0) return null;
    return {
      against: pick(head)!.against,
      maxAbsDrift: Math.max(...parts.map((p) => pick(p)!.maxAbsDrift)),
      meanAbsDrift: cands > 0 ? sum(parts.map((p) => pick(p)!.meanAbsDrift * p.sampledCandidates)) / cands : 0,
      topkOverlap: sum(parts.map((p) => pick(p)!.topkOverlap * p.sampledRequests)) / requests,
      kendallTau: sum(parts.map((p) => pick(p)!.kendallTau * p.sampledRequests)) / requests,
    };
  };
  return {
    sampleFraction: first.sampleFraction,
    sampledRequests: sum(facts.map((p) => p.sampledRequests)),
    sampledCandidates: sum(facts.map((p) => p.sampledCandidates)),
    k: first.k,
    vsReference: figures((p) => p.vsReference),
    vsBaseline: figures((p) => p.vsBaseline),
  };
}
