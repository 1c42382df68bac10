/**
 * The results JSON: what `ugbench bench` writes and what reports, gates, capacity planning and
 * shard merging read. This file is the contract between them, so it is types only (plus the
 * version constant); fields are added, never renamed or removed, without bumping
 * RESULTS_SCHEMA_VERSION.
 *
 * Units are in the names (`Us` microseconds, `Ms` milliseconds, `S` seconds, `PerS` per second,
 * `Bytes`). Latency histograms are HDR histograms of microseconds in hdr-histogram-js's
 * compressed base64 encoding (`encodeIntoCompressedBase64`), so shards and repeated runs can be
 * merged exactly with `decodeFromCompressedBase64(...).add(...)`: never average percentiles.
 *
 * harness/ knows nothing about RankMixer: variant names and runtime facts are plain strings here.
 */

import type { ExecutorKind } from '../loadgen/executors/executor.ts';
import type { LatencySummary } from '../loadgen/histogram.ts';
import type { PairedSample } from '../loadgen/paired.ts';
import type { RunCounts } from '../loadgen/recorder.ts';
import type { IssuingThreadFacts } from '../loadgen/thread-sched.ts';

// Defined by the load generator, which records them; part of this contract as they are.
export type { ExecutorKind, IssuingThreadFacts, LatencySummary, PairedSample, RunCounts };

/**
 * 2: runs carry `timingsUs` and `tags` (the generic split of the measurement record) and the
 * model's description. Version 1 files are still read: their cache split is taken from
 * `histograms.cacheHit` / `cacheMiss` (harness/results/splits.ts).
 */
export const RESULTS_SCHEMA_VERSION = 2 as const;
/** versions the reader accepts */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2];

/** The whole file: one bench invocation, every variant x runtime it compared. */
export interface BenchResults {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION | 1;
  /** ugbench's own name and package.json version */
  tool: { name: 'ugbench'; version: string };
  /** ISO-8601 UTC time the run started (after setup, before warm-up of the first run) */
  createdAt: string;
  /** overall verdict: 'aborted' if any run was aborted, else 'invalid' if any run is invalid, else 'valid' */
  status: ValidityStatus;
  /** the source checkout; null fields when not a git checkout or git is absent */
  git: { commit: string | null; dirty: boolean | null };
  /** versions of node and of the packages that shape the numbers (onnxruntime-node, hdr-histogram-js, ...) */
  packages: Record<string, string>;
  /** read once with systeminformation before any timing */
  machine: MachineFacts;
  scenario: {
    /** scenario file as given, or null for a scenario built in code */
    path: string | null;
    /** scenario `name` */
    name: string;
    /** the validated scenario with every default filled in and CLI overrides applied: enough to re-run */
    effective: unknown;
    /** sha256 of what the effective scenario makes the run measure (harness/results/compare/same-setup.ts scenarioHash); absent in older files */
    hash?: string;
  };
  /** user tags from `ugbench bench --label key=value` (absent when none were given) */
  labels?: Record<string, string>;
  /** every seed used; same seeds + same scenario = same traffic and same weights */
  seeds: SeedFacts;
  /** the shared traffic plan every run replayed (identical for all variants) */
  plan: PlanFacts;
  /** present when this file is one shard of a sharded run (issue 9); absent for a single process */
  shard?: { index: number; count: number };
  /**
   * sha256 of the whole (unsharded) traffic plan the run replayed (harness/loadgen/traffic/plan-digest.ts).
   * Shards of one run share it; `ugbench merge` refuses shards whose digests differ.
   */
  planDigest?: string;
  /** present when this file is the merge of a sharded run's shard files (`ugbench merge`, `--workers`) */
  merged?: MergeFacts;
  /** the paired, interleaved service-time comparison run before the open-loop phase */
  paired?: PairedComparison;
  /** one entry per variant x runtime, in scenario order (empty in a file written by `ugbench surface`) */
  runs: RunResult[];
  /** the reuse surface, when this file was written by `ugbench surface` (docs/surface.md) */
  surface?: ReuseSurface;
}

/**
 * `ugbench surface`: mean service time over a grid of candidates x user-cache hit rates, closed
 * loop (one request at a time, warm), and per variant the least-squares fit
 * t = a + b·N + (1 − hit)·c_user on the cells' mean service times.
 */
export interface ReuseSurface {
  model: 't = a + b*N + (1 - hit)*c_user';
  /** what each cell's `t` is: the mean of the SUT's own serviceUs over the cell's measured requests */
  statistic: 'mean serviceUs';
  grid: {
    candidates: number[];
    hitRates: number[];
    /** measured requests per cell (fewer when the cell's time cap ended it first) */
    requestsPerCell: number;
    /** untimed requests issued before each cell, at its candidate count (misses and hits) */
    warmupRequestsPerCell: number;
    /** a cell stops at this wall time even if it has not reached requestsPerCell */
    maxCellS: number;
    /** cells with fewer measured requests are left out of the fit */
    minRequestsPerCell: number;
  };
  variants: SurfaceVariant[];
}

export interface SurfaceVariant {
  variant: string;
  runtime: string;
  runtimeFacts: RuntimeFacts;
  /**
   * a cross-request user-state cache made the hits (variants with a split user pass); false: the
   * user side runs in every request, hit rate does not apply and the fit is t = a + b·N
   */
  cacheUsed: boolean;
  cells: SurfaceCell[];
  /** null when the cells cannot determine the coefficients (`fitProblem` says why) */
  fit: SurfaceFit | null;
  fitProblem?: string;
}

export interface SurfaceCell {
  candidates: number;
  /** the hit rate the cell's plan asked for; null without a cache */
  targetHitRate: number | null;
  /** hits / (hits + misses) over the measured requests (what the fit uses); null without a cache */
  hitRate: number | null;
  hits: number;
  misses: number;
  /** measured requests completed (the mean rests on these) */
  n: number;
  errored: number;
  /** distinct users among the measured requests (ids restart in every cell) */
  users: number;
  /** summary of the cell's service-time histogram (meanUs is the fitted statistic) */
  serviceUs: LatencySummary;
  /** in the fit (n >= minRequestsPerCell, none errored) */
  used: boolean;
  /** fitted t at this cell and measured mean minus it, µs; null when there is no fit */
  fittedUs: number | null;
  residualUs: number | null;
}

export interface SurfaceFit {
  /** fixed cost per request, µs */
  aUs: number;
  /** cost per candidate, µs */
  bUsPerCandidate: number;
  /** the user side a cache hit saves, µs per request; null when no cache could make hits */
  cUserUs: number | null;
  /** 1 − SS_res / SS_tot over the cells used; null when every cell had the same mean */
  r2: number | null;
  /** cells the fit rests on */
  cells: number;
  /** root mean square residual, µs */
  rmsResidualUs: number;
  /** the cell with the largest |measured − fitted| */
  worst: { candidates: number; hitRate: number | null; residualUs: number; relative: number };
}

export type ValidityStatus = 'valid' | 'invalid' | 'aborted';

/** How a merged file was put together (issue 9). `plan` facts of a merged file cover every shard given. */
export interface MergeFacts {
  /** shards the run was split into */
  count: number;
  /** the shard files merged, in index order */
  shards: { index: number; createdAt: string; status: ValidityStatus; source: string }[];
  /** shard indices not given: their traffic is absent, so the merge is INVALID */
  missing: number[];
  /** latest minus earliest shard start, s: shards that did not run together put less load on a shared target than planned */
  startSpreadS: number;
}

export interface SeedFacts {
  /** scenario `seed`: the root of all others */
  scenario: number;
  /** traffic plan seed (arrival times, user ids, candidate counts) */
  plan: number;
  /** weight generator seed (unused when a weights file is given) */
  weights: number;
  /** synthetic request features seed */
  requests: number;
}

export interface PlanFacts {
  /** arrivals in the measured window */
  measuredArrivals: number;
  /** arrivals in the warm-up window (issued, never recorded) */
  warmupArrivals: number;
  /** planned warm-up and measured durations */
  warmupS: number;
  durationS: number;
  /** mean candidates per request over the measured arrivals */
  meanCandidates: number;
  /** distinct users in the measured arrivals */
  distinctUsers: number;
}

export interface MachineFacts {
  cpu: {
    manufacturer: string;
    brand: string;
    /** logical cores */
    cores: number;
    physicalCores: number;
    /** nominal clock */
    speedGHz: number;
    /** e.g. 'avx2 avx512f ...' where known, else '' */
    flags: string;
    /** the SIMD flags kernels dispatch on (avx2, fma, f16c, avx512*, vnni forms, amx); absent in older files */
    simdFlags?: string[];
  };
  memory: { totalBytes: number };
  os: { platform: string; distro: string; release: string; arch: string; kernel: string };
  /** GPUs as seen by systeminformation; empty when none */
  gpus: { vendor: string; model: string; vramMB: number | null }[];
  /** process.version */
  node: string;
  /** true when systeminformation failed and the facts come from node:os only */
  degraded: boolean;
}

/** Facts about the runtime that actually ran (same shape as models/runtimes RuntimeInfo). */
export interface RuntimeFacts {
  /** e.g. 'reference', 'ort-cpu' */
  runtime: string;
  /** execution provider / backend actually used */
  provider: string;
  /** intra-op threads actually configured */
  threads: number;
  /** model instances (worker threads, each with `threads` intra-op threads); absent in files from before instances */
  instances?: number;
  /** dynamic batching, when it was on; every completion then has the tag `batch` = its batch size */
  batching?: BatchingFacts;
  /** weight precision that ran, e.g. 'fp32', 'int8 per-channel' */
  weightPrecision: string;
  /** activation precision that ran: on CPU int8 runs may quantize activations, and say so here */
  activationPrecision: string;
  /** package versions, session options, kernels: free-form */
  details: Record<string, string | number | boolean>;
}

/** Dynamic batching as it ran (Triton's dynamic batcher rules). */
export interface BatchingFacts {
  maxBatch: number;
  /** sizes sent as soon as they can be formed; empty: wait for maxBatch or the delay */
  preferredBatch: number[];
  /** longest the oldest waiting request was held for a larger batch, µs (it counts in queue time) */
  maxQueueDelayUs: number;
  /** true: one user pass on the batch's unique users and one group pass on all its rows (or one whole-graph run); false: the runtime has no batched form and ran the requests one by one inside each batch */
  batchedForm: boolean;
}

/** One variant on one runtime under the shared traffic plan. */
export interface RunResult {
  /** `${variant}@${runtime}`; unique within a file */
  id: string;
  /** model variant name, e.g. 'baseline', 'ugsep', 'ugsep-w8a16' */
  variant: string;
  /** the runtime asked for in the scenario ('auto' or a name) */
  requestedRuntime: string;
  runtime: RuntimeFacts;
  /**
   * Cross-request user-state caching (ours, not the paper's). `used` is true only when a cache
   * held user states across requests for this run; within-request reuse (the paper's technique)
   * is always on for ugsep variants and is not caching.
   */
  userCache: UserCacheFacts;
  executor: ExecutorFacts;
  /** wall-clock of the measured window (excludes warm-up), from the first scheduled start to the last completion */
  measuredS: number;
  counts: RunCounts;
  /** lateness of issue vs schedule (open loop), µs; null for closed/offline */
  issueDelayUs: LatencySummary | null;
  /** open loop on Linux: the issuing thread's run-queue wait, CPU time and host steal over the measured window (why starts were late) */
  issuingThread?: IssuingThreadFacts;
  /** HDR histograms of latency in µs, compressed base64; hit/miss are null when there is no user cache */
  histograms: {
    overall: string;
    cacheHit: string | null;
    cacheMiss: string | null;
    /** issue lateness (open loop), so shards' issueDelayUs merge exactly; absent in older files, null for closed/offline */
    issueDelay?: string | null;
    /** SUT-measured times (queue, service, userPass, groupPass), when the SUT reports them: a view of `timingsUs` */
    sutTimings?: SutTimingHistograms;
  };
  /** summaries of the same histograms */
  latencyUs: { overall: LatencySummary; cacheHit: LatencySummary | null; cacheMiss: LatencySummary | null };
  /** completed requests / measuredS, and their candidates / measuredS */
  throughput: { requestsPerS: number; candidatesPerS: number };
  /** hits / (hits + misses) over measured completions; null when no cache was used */
  observedHitRate: number | null;
  /** cost-model figures, averaged over completed measured requests (hits skip the user pass) */
  cost: CostFacts | null;
  /** the scenario's SLO checked on this run (harness/results/judge.ts); null when the scenario has none */
  slo: SloFacts | null;
  /** error messages seen, with counts (first 20 distinct) */
  errors: Record<string, number>;
  validity: { status: ValidityStatus; reasons: string[] };
  /**
   * Score parity under load (issue 7): a sampled fraction of this run's responses re-checked
   * after the run against the same requests scored by the reference runtime and by the baseline
   * variant, so a gate can fail a variant that got fast by getting wrong. Absent when parity
   * sampling was off.
   */
  parity?: ParityFacts;
  /** where requests went; absent = in-process (files from before the HTTP target) */
  target?: TargetFacts;
  /**
   * Times the system under test measured itself, µs: queue (issue -> compute start, waiting for a
   * free model instance), service (compute), and for split variants the user pass (misses only)
   * and group pass. A model's speedup is a service-time ratio; latency also holds queueing.
   * A view of `timingsUs` (the same names), kept for its readers.
   */
  sutTimingsUs?: SutTimingSummaries;
  /** server-reported queue vs compute time (HTTP targets whose server reports it), µs; network = latency - both */
  serverTimingUs?: { queue: LatencySummary; compute: LatencySummary };
  /** per serving replica (HTTP targets), requests routed by consistent hashing of the user id */
  replicas?: ReplicaFacts[];
  /**
   * Times the system under test measured itself, by name, µs: queue (issue -> compute start,
   * waiting for a free model instance), service (compute), and for split variants userPass
   * (misses only) and groupPass; serverQueue and serverCompute as a remote server reported them.
   * A model's speedup is a service-time ratio; latency also holds queueing. Absent in v1 files.
   */
  timingsUs?: Record<string, HistogramFacts>;
  /**
   * The run split by every tag its completions carried: tag key -> tag value -> figures, e.g.
   * `tags.cache.hit`, `tags.replica['http://a:8000']`, `tags.instance['1']`. Absent in version 1
   * files. `histograms.cacheHit`, `latencyUs.cacheHit`, `observedHitRate`, `serverTimingUs` and
   * `replicas` are views of these kept for readers of version 1.
   */
  tags?: Record<string, Record<string, SplitFacts>>;
  /** the model as data (harness/results/model.ts reads it); absent in older files and for remote targets of unknown shape */
  model?: ModelFacts;
}

/** a + b·N: per request and per candidate. */
export interface AffinePair {
  perRequest: number;
  perCandidate: number;
}

/** FLOPs and bytes of one request as a function of its N candidates. */
export interface AffineCost {
  flops: AffinePair;
  weightBytes: AffinePair;
  activationBytes: AffinePair;
}

export interface CostCoefficients {
  /** the user state was computed in this request (always, without a cross-request cache) */
  computed: AffineCost;
  /** the user state came from the cross-request cache (no user pass); absent when the variant has no user pass to skip */
  cached?: AffineCost;
}

/** What the model is, as data: its shape, the variant's traits, its cost, the weights it used. */
export interface ModelFacts {
  /** the model family's shape, e.g. { T, Tu, D, L, k, Fu, Fg } */
  config: Record<string, number>;
  /** what the variant does, e.g. { masked, compensation, int8Weights } */
  traits: Record<string, boolean>;
  cost: CostCoefficients;
  /** the baseline variant's cost on the same shape, for predicted speedups */
  baselineCost: AffineCost;
  /** sha256 (hex) of the user's weights file; null for seeded weights */
  weightsSha256: string | null;
  /** a user's own ONNX model (docs/own-model.md): each graph file's provenance */
  onnxFiles?: ModelFileFacts[];
  /** ops that make `cost` a lower bound (a user's ONNX model with ops the cost does not count); absent when complete */
  costPartial?: string[];
}

/** Provenance of one model file a run loaded. */
export interface ModelFileFacts {
  /** whole, user or group */
  role: string;
  path: string;
  sha256: string;
  bytes: number;
  /** ONNX IR version */
  irVersion: number;
  /** ai.onnx opset the file imports */
  opset: number;
  /** producer name and version written in the file */
  producer: string;
}

/** One HDR histogram of µs (compressed base64) and its summary. */
export interface HistogramFacts {
  histogram: string;
  summary: LatencySummary;
}

/** The figures of the requests that carried one tag value. */
export interface SplitFacts {
  completed: number;
  errored: number;
  /** candidates of the completed requests */
  candidates: number;
  /** latency of the completed requests (same origin as the run's overall latency) */
  latencyUs: HistogramFacts;
  /** SUT-reported times of these requests, by name */
  timingsUs: Record<string, HistogramFacts>;
  /** completed requests of this value that also carried `key=value` of another tag (e.g. 'cache=hit') */
  with: Record<string, number>;
}

export interface SloFacts {
  p99Ms: number | null;
  /** absent in files written before p95/p90 objectives existed */
  p95Ms?: number | null;
  p90Ms?: number | null;
  p50Ms: number | null;
  /** every objective held over all requests owed an answer, dropped and failed ones counted as unbounded */
  met: boolean;
  /** dropped + errored (timed-out requests are errored) requests counted as over every limit; absent in v1 files */
  unanswered?: number;
  /** why it was missed; absent in v1 files */
  reasons?: string[];
}

/** Summaries of the times the system under test measured itself, µs (absent: not measured). */
export interface SutTimingSummaries {
  /** issue -> compute start: waiting for a free model instance */
  queue?: LatencySummary;
  /** compute of the request (both passes, or the whole forward) */
  service?: LatencySummary;
  /** split variants: the user pass (cache misses) */
  userPass?: LatencySummary;
  /** split variants: the group pass */
  groupPass?: LatencySummary;
}

/** The same times as HDR histograms (µs, compressed base64), so they merge exactly. */
export interface SutTimingHistograms {
  queue?: string;
  service?: string;
  userPass?: string;
  groupPass?: string;
}

export interface TargetFacts {
  kind: 'in-process' | 'http';
  /** http: 'undici' (plan-driven keep-alive client) or 'autocannon' (closed loop) */
  client: string | null;
  /** http: the OIP base URLs requests went to */
  endpoints: string[];
  /** http: true when ugbench started its own server on loopback; false for a remote target */
  localServer: boolean;
  /** http: the served model name used for this variant */
  modelName: string | null;
  /** resolution of the recorded latencies in µs: 1 for the plan-driven clients, 1000 for autocannon */
  latencyResolutionUs: number;
  /** http: the server's own times from Triton's statistics extension, read before and after the run; absent in older files */
  serverStats?: ServerStatsFacts;
}

/**
 * The server's own view of the run (GET /v2/models/{name}/stats before and after, differenced):
 * mean µs per successful request in each phase, beside ugbench's client-side latency. With an
 * ensemble, these are the ensemble model's own totals (its steps report separately).
 */
export interface ServerStatsFacts {
  /** false when the server offers no statistics extension (or the model has none); `reason` says why */
  available: boolean;
  reason?: string;
  /** the endpoint whose statistics were read (the first one) */
  endpoint?: string;
  /** successful requests the server counted between the two reads */
  requests?: number;
  failed?: number;
  /** mean per successful request, µs */
  queueUs?: number;
  computeInputUs?: number;
  computeInferUs?: number;
  computeOutputUs?: number;
  /** success.ns / success.count: the server's whole request time, µs */
  requestUs?: number;
}

export interface ReplicaFacts {
  endpoint: string;
  completed: number;
  errored: number;
  /** hits / (hits + misses) as reported by the replica; null when it reported none */
  hitRate: number | null;
  latencyUs: LatencySummary;
}

export interface UserCacheFacts {
  used: boolean;
  /** byte budget, or null when limited by user count or unlimited */
  capacityBytes: number | null;
  capacityUsers: number | null;
  ttlMs: number | null;
  /** forced-hit-rate mode: the requested rate, else null */
  forcedHitRate: number | null;
  /** bytes one user's state occupies */
  stateBytesPerUser: number | null;
  /** how the cache worked with several model instances (where states live, how hits are routed); absent in older files */
  design?: string;
  /** cache counters over the measured window */
  hits: number;
  misses: number;
  evictions: number;
  expirations: number;
  /** peak bytes held */
  peakBytes: number;
}

export interface ExecutorFacts {
  /** open = issued on a schedule, latency from scheduled start; closed = next request on completion; offline = one batch */
  kind: ExecutorKind;
  /** the scenario's arrival process */
  arrival: 'poisson' | 'constant' | 'closed' | 'offline';
  /** open loop: requested rate */
  targetQps: number | null;
  /** closed loop: concurrent clients */
  concurrency: number | null;
  /** open loop: requests in flight beyond this are dropped (counted) */
  inFlightLimit: number | null;
  /** open loop: an issue later than this after its scheduled time counts as a late start */
  lateThresholdUs: number | null;
  /** where latency is measured from */
  latencyOrigin: 'scheduled-start' | 'issue';
}



export interface CostFacts {
  flopsPerRequest: number;
  /** weight + activation bytes per request */
  bytesPerRequest: number;
  weightBytesPerRequest: number;
  activationBytesPerRequest: number;
  /** FLOPs / bytes */
  arithmeticIntensity: number;
  /** achieved over the measured window: flopsPerRequest * requestsPerS */
  achievedGflopPerS: number;
  achievedGBPerS: number;
}

/** Score parity of one run's sampled responses (see RunResult.parity). */
export interface ParityFacts {
  /** fraction of measured requests sampled, as configured */
  sampleFraction: number;
  /** requests whose scores were kept */
  sampledRequests: number;
  /** candidates scored in the sampled requests */
  sampledCandidates: number;
  /** top-k size used for topkOverlap */
  k: number;
  /** vs the same variant on the reference runtime (numerical error of runtime and precision); null when not checked */
  vsReference: ParityFigures | null;
  /** vs the baseline variant on the same requests (model difference); null for baseline itself or when not checked */
  vsBaseline: ParityFigures | null;
}

export interface ParityFigures {
  /** what the scores were compared with, e.g. 'ugsep@reference' */
  against: string;
  /** largest and mean |score - other score| over all sampled candidates */
  maxAbsDrift: number;
  meanAbsDrift: number;
  /** mean over requests of |top-k ∩ other top-k| / k */
  topkOverlap: number;
  /** mean over requests of Kendall tau-b between the two score orders (1 = same order) */
  kendallTau: number;
}

/**
 * The paired, interleaved service-time comparison (cli/bench, harness/loadgen/paired.ts): a
 * seeded sample of the plan's requests, spread over the candidate buckets, each scored by every
 * variant back to back on an idle instance without the cross-request user cache. It gives the
 * model's speedup (a service-time ratio), apart from queueing and cache hits.
 */
export interface PairedComparison {
  seed: number;
  /** the runtime the variants ran on (run ids are `variant@runtime`) */
  runtime: string;
  /** variants in the order of the first request; request i uses this list rotated by i */
  variants: string[];
  /** the cross-request user cache was bypassed; each variant ran on an idle instance */
  cache: 'bypassed';
  samples: PairedSample[];
  buckets: PairedBucket[];
}

/** One candidate bucket (or `all`: every sample) of the paired comparison. */
export interface PairedBucket {
  bucket: string;
  loCandidates: number;
  hiCandidates: number;
  /** paired requests in the bucket */
  n: number;
  medianServiceUs: Record<string, number>;
  speedups: PairedSpeedup[];
}

/** ratio = median(service of `over`) / median(service of `variant`) over the bucket's requests;
 *  [lo95, hi95] = percentile bootstrap resampling the bucket's requests with pairs kept together */
export interface PairedSpeedup {
  variant: string;
  over: string;
  ratio: number;
  lo95: number;
  hi95: number;
  resamples: number;
  /** the cost model's FLOP ratio (over / variant) at the bucket's median candidate count */
  predictedFlopRatio?: number;
  /** the roofline floor ratio at the bucket's median candidate count, when machine limits were known */
  predictedRooflineRatio?: number;
}
