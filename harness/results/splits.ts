/**
 * The generic part of the measurement record in a results file: SUT-reported timings and the
 * per-tag splits (harness/loadgen/recorder.ts), encoded, added across shards, and the views of
 * them that version 1 readers know (cacheHit/cacheMiss, observedHitRate, serverTimingUs,
 * replicas). One place builds those views, for a fresh run and for a merged one alike.
 */
import type { Histogram } from 'hdr-histogram-js';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, summarize } from '../loadgen/histogram.ts';
import { CACHE_TAG, REPLICA_TAG, type Recorder, type SplitRecord } from '../loadgen/recorder.ts';
import type { HistogramFacts, LatencySummary, ReplicaFacts, RunResult, SplitFacts, SutTimingHistograms } from './contract.ts';

/** The SUT's own timings the v1-style `sutTimingsUs` view lists (harness/loadgen/sut.ts SutTimingsUs). */
const SUT_TIMING_NAMES = ['queue', 'service', 'userPass', 'groupPass'] as const;

export type TagFacts = Record<string, Record<string, SplitFacts>>;
export type TimingFacts = Record<string, HistogramFacts>;

export function histogramFacts(h: Histogram): HistogramFacts {
  return { histogram: encodeHistogram(h), summary: summarize(h) };
}

function timingFacts(timings: ReadonlyMap<string, Histogram>): TimingFacts {
  return Object.fromEntries([...timings].map(([name, h]) => [name, histogramFacts(h)]));
}

function splitFacts(s: SplitRecord): SplitFacts {
  return { completed: s.completed, errored: s.errored, candidates: s.candidates, latencyUs: histogramFacts(s.latency), timingsUs: timingFacts(s.timings), with: Object.fromEntries(s.with) };
}

/** The recorder's timings and tag splits as results data. */
export function encodeSplits(r: Recorder): { timingsUs: TimingFacts; tags: TagFacts } {
  const tags: TagFacts = {};
  for (const [key, values] of r.tags) tags[key] = Object.fromEntries([...values].map(([value, s]) => [value, splitFacts(s)]));
  return { timingsUs: timingFacts(r.all.timings), tags };
}

/** Add histograms by name (decoded, added exactly, re-encoded). */
export function addTimings(all: readonly TimingFacts[]): TimingFacts {
  const sums = new Map<string, Histogram>();
  for (const timings of all) {
    for (const [name, facts] of Object.entries(timings)) {
      let h = sums.get(name);
      if (!h) sums.set(name, (h = createLatencyHistogram()));
      h.add(decodeHistogram(facts.histogram));
    }
  }
  return timingFacts(sums);
}

function addSplit(parts: readonly SplitFacts[]): SplitFacts {
  const latency = createLatencyHistogram();
  const withCounts: Record<string, number> = {};
  for (const p of parts) {
    latency.add(decodeHistogram(p.latencyUs.histogram));
    for (const [k, n] of Object.entries(p.with)) withCounts[k] = (withCounts[k] ?? 0) + n;
  }
  const sum = (pick: (p: SplitFacts) => number): number => parts.reduce((s, p) => s + pick(p), 0);
  return {
    completed: sum((p) => p.completed),
    errored: sum((p) => p.errored),
    candidates: sum((p) => p.candidates),
    latencyUs: histogramFacts(latency),
    timingsUs: addTimings(parts.map((p) => p.timingsUs)),
    with: withCounts,
  };
}

/** Every tag key and value of every part, added: nothing any part has is dropped. */
export function addTags(all: readonly TagFacts[]): TagFacts {
  const grouped = new Map<string, Map<string, SplitFacts[]>>();
  for (const tags of all) {
    for (const [key, values] of Object.entries(tags)) {
      let byValue = grouped.get(key);
      if (!byValue) grouped.set(key, (byValue = new Map<string, SplitFacts[]>()));
      for (const [value, split] of Object.entries(values)) byValue.set(value, [...(byValue.get(value) ?? []), split]);
    }
  }
  const out: TagFacts = {};
  for (const [key, byValue] of grouped) out[key] = Object.fromEntries([...byValue].map(([value, parts]) => [value, addSplit(parts)]));
  return out;
}

/**
 * A run's tag splits; for a version 1 file (no `tags`) the cache split rebuilt from its
 * cacheHit / cacheMiss histograms (v1 kept replica and server timing only as summaries).
 */
export function tagsOf(run: RunResult): TagFacts {
  if (run.tags) return run.tags;
  const { cacheHit, cacheMiss } = run.histograms;
  if (typeof cacheHit !== 'string' || typeof cacheMiss !== 'string') return {};
  const legacy = (encoded: string): SplitFacts => {
    const h = decodeHistogram(encoded);
    return { completed: h.totalCount, errored: 0, candidates: 0, latencyUs: histogramFacts(h), timingsUs: {}, with: {} };
  };
  return { [CACHE_TAG]: { hit: legacy(cacheHit), miss: legacy(cacheMiss) } };
}

/** The version 1 fields, derived from the generic record. `usedCache`: a cross-request cache held user states. */
export function legacyViews(tags: TagFacts, timings: TimingFacts, usedCache: boolean): Pick<RunResult, 'observedHitRate' | 'serverTimingUs' | 'replicas' | 'sutTimingsUs'> & {
  histograms: { cacheHit: string | null; cacheMiss: string | null; sutTimings?: SutTimingHistograms };
  latencyUs: { cacheHit: LatencySummary | null; cacheMiss: LatencySummary | null };
} {
  const hit = usedCache ? tags[CACHE_TAG]?.hit : undefined;
  const miss = usedCache ? tags[CACHE_TAG]?.miss : undefined;
  const empty = histogramFacts(createLatencyHistogram());
  const hitH = usedCache ? (hit?.latencyUs ?? empty) : null;
  const missH = usedCache ? (miss?.latencyUs ?? empty) : null;
  const lookups = (hit?.completed ?? 0) + (miss?.completed ?? 0);
  const { serverQueue, serverCompute } = timings;
  const replicas = tags[REPLICA_TAG];
  const sut = SUT_TIMING_NAMES.filter((name) => timings[name] !== undefined);
  return {
    histograms: { cacheHit: hitH?.histogram ?? null, cacheMiss: missH?.histogram ?? null, ...(sut.length > 0 ? { sutTimings: Object.fromEntries(sut.map((n) => [n, timings[n]!.histogram])) } : {}) },
    latencyUs: { cacheHit: hitH?.summary ?? null, cacheMiss: missH?.summary ?? null },
    observedHitRate: usedCache && lookups > 0 ? (hit?.completed ?? 0) / lookups : null,
    ...(serverCompute && serverCompute.summary.count > 0 ? { serverTimingUs: { queue: serverQueue?.summary ?? empty.summary, compute: serverCompute.summary } } : {}),
    ...(sut.length > 0 ? { sutTimingsUs: Object.fromEntries(sut.map((n) => [n, timings[n]!.summary])) } : {}),
    ...(replicas ? { replicas: Object.entries(replicas).map(([endpoint, s]) => replicaFacts(endpoint, s)) } : {}),
  };
}

function replicaFacts(endpoint: string, s: SplitFacts): ReplicaFacts {
  const hits = s.with[`${CACHE_TAG}=hit`] ?? 0;
  const misses = s.with[`${CACHE_TAG}=miss`] ?? 0;
  return { endpoint, completed: s.completed, errored: s.errored, hitRate: hits + misses > 0 ? hits / (hits + misses) : null, latencyUs: s.latencyUs.summary };
}
