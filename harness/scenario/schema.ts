/**
 * The scenario file's schema (zod 4). It is the single source of truth: the TypeScript types, the
 * defaults and the published JSON Schema (scenarios/schema.json, `npm run scenarios:schema`) all
 * come from here. harness/ knows nothing about models, so variant, runtime and preset names are
 * plain strings here and are checked against the model registry by the composition root.
 */
import { z } from 'zod';
import { parseThreshold } from '../results/gates/parse.ts';
import * as limits from './limits.ts';
import { DEFAULT_ISSUER_PRIORITY, ISSUER_PRIORITIES } from '../loadgen/issuer-priority.ts';

/** Integer >= min with a message in the project's `expected X` style. */
function intAtLeast(min: number) {
  const error = `expected integer >= ${min}`;
  return z.int({ error }).min(min, { error });
}
/** Integer in [min, max]; `max` comes from harness/scenario/limits.ts and the message says why. */
function intInRange(min: number, max: number, why: string) {
  return intAtLeast(min).max(max, { error: `expected integer <= ${max} (${why})` });
}
function numberAtMost(schema: z.ZodNumber, max: number, why: string) {
  return schema.max(max, { error: `expected number <= ${max} (${why})` });
}
function numberAbove(min: number) {
  const error = `expected number > ${min}`;
  return z.number({ error }).gt(min, { error });
}
function numberAtLeast(min: number) {
  const error = `expected number >= ${min}`;
  return z.number({ error }).min(min, { error });
}
function rate() {
  const error = 'expected number in [0, 1]';
  return z.number({ error }).min(0, { error }).max(1, { error });
}
function name(what: string) {
  return z.string({ error: `expected ${what} (a string)` }).min(1, { error: `expected ${what} (a non-empty string)` });
}

const modelConfig = z
  .strictObject({
    T: intAtLeast(2),
    Tu: intAtLeast(1),
    D: intAtLeast(1),
    L: intAtLeast(1),
    k: intAtLeast(1),
    Fu: intAtLeast(1),
    Fg: intAtLeast(1),
  })
  .describe('explicit model shape (see docs/model.md); checked further by the model config rules');

const modelChoice = z.strictObject({
  preset: name('a preset name').optional().describe('named model size (ugbench presets); default small when neither preset nor config is given'),
  config: modelConfig.optional(),
  weights: name('a safetensors path').optional().describe('weights file; wins over preset/config. Relative paths are resolved from the scenario file'),
});

export const modelSchema = modelChoice
  .extend({
    byRuntime: z
      .record(z.string(), modelChoice)
      .optional()
      .describe(
        'model to use instead when the resolved runtime has this name, e.g. {reference: {preset: tiny}} keeps a scenario finishing on the slow reference runtime. Results record the model each run used.',
      ),
  })
  .describe('the model under test');

/** Dynamic batching per runtime (models/instances/batcher.ts decides with these). */
export const batchingSchema = z
  .strictObject({
    maxBatch: intInRange(1, limits.MAX_BATCH, 'requests in one batch').describe('most requests in one batch'),
    preferredBatch: z
      .array(intAtLeast(1), { error: 'expected a list of batch sizes' })
      .optional()
      .describe('batch size(s) sent as soon as that many requests wait (each <= maxBatch); default none: wait for maxBatch or the delay'),
    maxQueueDelayUs: intInRange(0, limits.MAX_QUEUE_DELAY_US, 'µs a request is held for a larger batch')
      .default(0)
      .describe('longest the oldest waiting request is held for a larger batch, µs; counts in its queue time and latency; default 0 (send what is waiting)'),
  })
  .superRefine((b, ctx) => {
    (b.preferredBatch ?? []).forEach((p, i) => {
      if (p > b.maxBatch) ctx.addIssue({ code: 'custom', path: ['preferredBatch', i], message: `expected a batch size <= maxBatch (${b.maxBatch})` });
    });
  })
  .describe("dynamic batching (Triton's dynamic batcher): requests waiting for an instance are sent as one batch; absent: one request at a time");

export const runtimeSchema = z.strictObject({
  name: name('a runtime name').default('auto').describe("runtime name (reference, ort-cpu, ...) or 'auto' = the fastest available here"),
  threads: intInRange(1, limits.MAX_THREADS, 'intra-op threads').optional().describe('intra-op threads per model instance; default: all cores with 1 instance, cores / instances (at least 1) with several'),
  instances: intInRange(1, limits.MAX_THREADS, 'worker threads').optional().describe('model instances (worker threads, each its own runtime); requests go to a free one in FIFO order; default 1'),
  int8Kernel: name('an int8 kernel').optional().describe("ugsep-w8a16 on ORT: 'auto' (default: calibrated at load per graph and N range) or a kernel (docs/int8-kernels.md)"),
  int8AccuracyBound: numberAbove(0).optional().describe('auto: max relative score error against the W8A16 reference a kernel may have; default 5e-3'),
  parallelRequests: intInRange(1, limits.MAX_IN_FLIGHT, 'requests in flight at once')
    .default(1)
    .describe('requests each model instance works on at once; further ones wait in the queue (the wait counts in latency)'),
  batching: batchingSchema.optional(),
});

const usersSchema = z
  .strictObject({
    size: intAtLeast(1).max(5_000_000, { error: 'expected integer <= 5000000' }).default(100_000).describe('distinct users in the population'),
    distribution: z.enum(['zipf', 'uniform'], { error: 'expected one of zipf, uniform' }).default('zipf').describe('how often each user comes back'),
    zipfExponent: numberAbove(0).default(1).describe('Zipf exponent s: user of rank r is drawn with probability proportional to r^-s'),
  })
  .describe('the user population requests are drawn from');

function candidateCount() {
  return intInRange(1, limits.MAX_CANDIDATES_PER_REQUEST, 'candidates per request');
}

const candidatesSchema = z
  .discriminatedUnion(
    'distribution',
    [
      z.strictObject({ distribution: z.literal('fixed'), count: candidateCount().describe('candidates in every request') }),
      z
        .strictObject({ distribution: z.literal('uniform'), min: candidateCount(), max: candidateCount() })
        .describe('uniform integer in [min, max]'),
      z
        .strictObject({
          distribution: z.literal('lognormal'),
          median: numberAtLeast(1).describe('median candidates'),
          sigma: numberAbove(0).default(0.5).describe('standard deviation of ln(candidates)'),
          min: candidateCount().default(1),
          max: candidateCount().describe('cap: larger draws are clamped'),
        })
        .describe('log-normal, rounded, clamped to [min, max]'),
      z
        .strictObject({
          distribution: z.literal('quantiles'),
          table: z
            .array(z.strictObject({ q: rate().describe('cumulative probability'), count: candidateCount() }), { error: 'expected a list of {q, count}' })
            .min(2, { error: 'expected at least 2 points' })
            .max(limits.MAX_QUANTILE_POINTS, { error: `expected at most ${limits.MAX_QUANTILE_POINTS} points (the sampler scans the table on every draw)` })
            .describe('inverse CDF points, q ascending from 0 to 1, counts non-decreasing; linear in between'),
        })
        .describe('empirical distribution from a quantile table (e.g. from production logs)'),
    ],
    { error: 'expected one of fixed, uniform, lognormal, quantiles' },
  )
  .describe('candidates per request');

const arrivalsSchema = z
  .discriminatedUnion(
    'process',
    [
      z
        .strictObject({ process: z.literal('poisson'), rateQps: numberAbove(0).describe('mean requests per second') })
        .describe('open loop, exponential inter-arrival times: how independent users behave'),
      z
        .strictObject({ process: z.literal('constant'), rateQps: numberAbove(0).describe('requests per second') })
        .describe('open loop, evenly spaced arrivals'),
      z
        .strictObject({
          process: z.literal('closed'),
          concurrency: intInRange(1, limits.MAX_IN_FLIGHT, 'requests in flight at once').describe('clients, each sending its next request when the previous one completes'),
          maxQueries: intInRange(1, limits.MAX_PLAN_QUERIES, 'queries one traffic plan holds').default(100_000).describe('plan length; the run stops early when exhausted'),
        })
        .describe('closed loop: measures throughput at a concurrency; latency excludes queueing before issue (labelled as such)'),
      z
        .strictObject({ process: z.literal('offline'), queries: intInRange(1, limits.MAX_PLAN_QUERIES, 'queries one traffic plan holds').describe('requests issued at once as one batch') })
        .describe('offline: every query at t=0, throughput is what counts'),
    ],
    { error: 'expected one of poisson, constant, closed, offline' },
  )
  .describe('how requests arrive');

export const trafficSchema = z.strictObject({
  users: usersSchema.prefault({}),
  candidates: candidatesSchema.default({ distribution: 'fixed', count: 64 }),
  arrivals: arrivalsSchema,
  inFlightLimit: intInRange(1, limits.MAX_IN_FLIGHT, 'requests in flight at once')
    .default(1024)
    .describe('open loop: a request due while this many are in flight is dropped (counted, never hidden)'),
  lateThresholdUs: numberAtLeast(0).default(1000).describe('open loop: issued later than this after its schedule counts as a late start'),
  issuerPriority: z
    .enum(ISSUER_PRIORITIES, { error: `expected ${ISSUER_PRIORITIES.join(' or ')}` })
    .default(DEFAULT_ISSUER_PRIORITY)
    .describe('open loop: the issuing thread runs under SCHED_FIFO 1 while it measures where the OS permits (CAP_SYS_NICE; results say when not), or as started'),
});

const cacheSchema = z
  .strictObject({
    enabled: z.boolean({ error: 'expected true or false' }).default(true).describe('cross-request user-state cache for ugsep variants'),
    capacityBytes: intAtLeast(1).optional().describe('LRU byte budget'),
    capacityUsers: intAtLeast(1).optional().describe('LRU user-count limit'),
    ttlS: numberAbove(0).optional().describe('entries older than this are misses'),
    forcedHitRate: rate()
      .optional()
      .describe('plan picks returning (cached) or new users to reach this hit rate; capacity limits are then ignored'),
  })
  .describe('cross-request user-state cache (ours, not the paper\'s: results label runs that used it). No capacity = unlimited.');

const runSchema = z.strictObject({
  warmupS: numberAtMost(numberAtLeast(0), limits.MAX_RUN_S, 'the longest Node timer, in s').default(2).describe('warm-up seconds, issued but never recorded'),
  durationS: numberAtMost(numberAbove(0), limits.MAX_RUN_S, 'the longest Node timer, in s').default(10).describe('measured seconds (open and closed loop)'),
  minQueries: intAtLeast(0).default(100).describe('fewer measured completions make the run INVALID (exit 98)'),
  minDurationS: numberAtLeast(0).optional().describe('a shorter measured window makes the run INVALID; default durationS (0 for offline)'),
});

const sloSchema = z
  .strictObject({
    p99Ms: numberAbove(0).optional().describe('p99 latency objective (a 99% upper bound needs >= 459 requests per run)'),
    p95Ms: numberAbove(0).optional().describe('p95 latency objective (needs >= 90 requests per run)'),
    p90Ms: numberAbove(0).optional().describe('p90 latency objective (needs >= 44 requests per run)'),
    p50Ms: numberAbove(0).optional().describe('p50 latency objective (needs >= 7 requests per run)'),
  })
  .describe('service level objective, checked per run (dropped or errored requests also miss it)');

const httpTargetSchema = z
  .strictObject({
    kind: z.literal('http'),
    endpoints: z
      .array(z.url({ error: 'expected an http(s) URL' }), { error: 'expected a list of OIP base URLs' })
      .min(1, { error: 'expected at least 1 endpoint' })
      .optional()
      .describe(
        'remote Open Inference Protocol servers (Triton, KServe, ugbench serve elsewhere); several = replicas, requests routed by consistent hashing of the user id. Omitted: ugbench starts its own `ugbench serve` on a free loopback port per runtime.',
      ),
    models: z
      .record(z.string(), name('a model name'))
      .optional()
      .describe('served model name per variant, e.g. {ugsep: ugsep_ensemble}; default: the variant name'),
    client: z
      .enum(['undici', 'autocannon'], { error: 'expected one of undici, autocannon' })
      .default('undici')
      .describe('undici: HTTP/1.1 keep-alive client driven by the plan (open loop timed from the schedule, closed, offline); autocannon: closed-loop max throughput (latency resolution 1 ms)'),
    connections: intInRange(1, limits.MAX_CONNECTIONS, 'ports one client address has').default(16).describe('keep-alive connections per endpoint (undici pool size)'),
    timeoutMs: numberAtMost(numberAbove(0), limits.MAX_TIMER_MS, 'the longest Node timer').default(10_000).describe('a request without a response after this counts as a timeout error'),
    sendUserId: z.boolean({ error: 'expected true or false' }).default(true).describe('send parameters.user_id so the server can use its user-state cache'),
    server: z
      .strictObject({
        maxInFlight: intInRange(1, limits.MAX_IN_FLIGHT, 'requests in flight at once').default(1).describe('requests computing at once in the local server'),
        maxQueue: intAtLeast(0).max(limits.MAX_IN_FLIGHT, { error: `expected integer <= ${limits.MAX_IN_FLIGHT} (requests waiting at once)` }).default(256).describe('requests waiting before the local server answers 503'),
      })
      .prefault({})
      .describe('settings of the local `ugbench serve` (ignored with endpoints)'),
  })
  .describe('send the plan over HTTP to an OIP server: network + server + model in the latency');

const targetSchema = z
  .discriminatedUnion('kind', [z.strictObject({ kind: z.literal('in-process') }).describe('call the runtimes in this process (default)'), httpTargetSchema], {
    error: 'expected one of in-process, http',
  })
  .describe('where requests go');

/** A user's own ONNX model as a variant (docs/own-model.md); paths are relative to the scenario file. */
const onnxVariantSchema = z.strictObject({
  name: name('a variant name').describe('the variant name in results and reports'),
  onnx: z
    .strictObject({
      whole: z.string().optional().describe('the whole-model graph: user_features, group_features -> scores'),
      user: z.string().optional().describe('split form: the user graph (user_features -> state tensors)'),
      group: z.string().optional().describe('split form: the group graph (group_features + state -> scores)'),
      names: z
        .strictObject({ user_features: z.string().optional(), group_features: z.string().optional(), scores: z.string().optional() })
        .optional()
        .describe("the graphs' names for the contract tensors, when they differ"),
      Fu: intAtLeast(1).optional().describe('user feature length (default: the graph\'s static dim)'),
      Fg: intAtLeast(1).optional().describe('candidate feature length (default: the graph\'s static dim)'),
    })
    .describe('either whole: FILE, or user: FILE and group: FILE'),
});

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('editor hint; ignored'),
    name: name('a scenario name').describe('short name shown in reports'),
    description: z.string().default('').describe('what this traffic stands for'),
    seed: intAtLeast(0).default(1).describe('root seed: plan, weights and request features derive from it'),
    model: modelSchema.prefault({}),
    variants: z
      .array(z.union([name('a variant name'), onnxVariantSchema]), { error: 'expected a list of variant names or { name, onnx } entries' })
      .min(1, { error: 'expected at least 1 variant' })
      .default(['baseline', 'ugsep', 'ugsep-w8a16'])
      .describe('model variants compared on the same traffic'),
    runtimes: z
      .array(runtimeSchema, { error: 'expected a list of {name, instances, threads}' })
      .min(1, { error: 'expected at least 1 runtime' })
      .default([{ name: 'auto', parallelRequests: 1 }])
      .describe('runtimes each variant runs on'),
    traffic: trafficSchema,
    target: targetSchema.default({ kind: 'in-process' }),
    cache: cacheSchema.prefault({}),
    run: runSchema.prefault({}),
    slo: sloSchema.optional(),
    // issue 7 (gates): expressions `ugbench gate` checks; grammar in harness/gates/parse.ts
    thresholds: z
      .array(z.string({ error: 'expected a threshold expression (a string)' }), { error: 'expected a list of threshold expressions' })
      .optional()
      .describe('gate expressions, e.g. "p99_ms{variant=ugsep} < 25", "speedup{variant=ugsep, vs=baseline} > 1.3" (docs/ci-gates.md)'),
    // issue 7 (score parity): a sampled share of responses re-checked after the run
    parity: z
      .strictObject({
        sampleFraction: rate().default(0.02).describe('share of measured requests whose scores are kept and re-checked after the run'),
        k: intAtLeast(1).default(10).describe('top-k size for the top-k overlap figure'),
      })
      .optional()
      .describe('score parity under load: kept scores vs the reference runtime and the baseline variant (results runs[].parity)'),
  });

/**
 * Rules that relate several fields, checked once every field is valid on its own (so they can
 * rely on types). Each problem comes with its path and the offending value.
 */
export function crossFieldProblems(s: z.output<typeof scenarioSchema>): { path: (string | number)[]; expected: string; got: unknown }[] {
  const out: { path: (string | number)[]; expected: string; got: unknown }[] = [];
  const c = s.traffic.candidates;
  if ((c.distribution === 'uniform' || c.distribution === 'lognormal') && c.max < c.min) {
    out.push({ path: ['traffic', 'candidates', 'max'], expected: `expected integer >= min (${c.min})`, got: c.max });
  }
  if (c.distribution === 'lognormal' && (c.median < c.min || c.median > c.max)) {
    out.push({ path: ['traffic', 'candidates', 'median'], expected: `expected number in [min, max] = [${c.min}, ${c.max}]`, got: c.median });
  }
  if (c.distribution === 'quantiles') {
    const t = c.table;
    if (t[0] && t[0].q !== 0) out.push({ path: ['traffic', 'candidates', 'table', 0, 'q'], expected: 'expected 0 (the table starts at q = 0)', got: t[0].q });
    const last = t[t.length - 1];
    if (last && last.q !== 1) out.push({ path: ['traffic', 'candidates', 'table', t.length - 1, 'q'], expected: 'expected 1 (the table ends at q = 1)', got: last.q });
    for (let i = 1; i < t.length; i++) {
      if (t[i]!.q <= t[i - 1]!.q) out.push({ path: ['traffic', 'candidates', 'table', i, 'q'], expected: `expected number > ${t[i - 1]!.q} (q ascending)`, got: t[i]!.q });
      if (t[i]!.count < t[i - 1]!.count) out.push({ path: ['traffic', 'candidates', 'table', i, 'count'], expected: `expected integer >= ${t[i - 1]!.count} (counts non-decreasing)`, got: t[i]!.count });
    }
  }
  if (s.cache.forcedHitRate !== undefined && (s.cache.capacityBytes !== undefined || s.cache.capacityUsers !== undefined)) {
    out.push({ path: ['cache', 'forcedHitRate'], expected: 'expected either forcedHitRate or a capacity (capacityBytes/capacityUsers), not both', got: s.cache.forcedHitRate });
  }
  if (s.model.preset !== undefined && s.model.config !== undefined) {
    out.push({ path: ['model', 'config'], expected: 'expected either model.preset or model.config, not both', got: s.model.config });
  }
  (s.thresholds ?? []).forEach((text, i) => {
    const parsed = parseThreshold(text);
    if ('error' in parsed) out.push({ path: ['thresholds', i], expected: `expected a threshold expression (col ${parsed.error.col}: ${parsed.error.message})`, got: text });
  });
  const seen = new Set<string>();
  s.variants.forEach((entry, i) => {
    const v = variantName(entry);
    if (seen.has(v)) out.push({ path: ['variants', i], expected: 'expected each variant once', got: v });
    seen.add(v);
  });
  if (s.target.kind === 'http' && s.target.client === 'autocannon' && s.traffic.arrivals.process !== 'closed') {
    out.push({ path: ['target', 'client'], expected: 'expected undici for open-loop or offline arrivals (autocannon is closed loop only)', got: s.target.client });
  }
  const seenRuntimes = new Set<string>();
  s.runtimes.forEach((r, i) => {
    if (seenRuntimes.has(r.name)) out.push({ path: ['runtimes', i, 'name'], expected: 'expected each runtime once', got: r.name });
    seenRuntimes.add(r.name);
  });
  out.push(...limits.planCapacityProblems(s));
  return out;
}

/** A validated scenario with every default filled in. */
export type Scenario = z.output<typeof scenarioSchema>;
/** What a scenario file may contain (defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type CandidatesSpec = Scenario['traffic']['candidates'];
export type ArrivalsSpec = Scenario['traffic']['arrivals'];
export type UsersSpec = Scenario['traffic']['users'];
export type CacheSpec = Scenario['cache'];
export type RuntimeSpec = Scenario['runtimes'][number];
export type BatchingSpec = NonNullable<RuntimeSpec['batching']>;
export type ModelSpec = Scenario['model'];
export type VariantEntry = Scenario['variants'][number];
export type OnnxVariantEntry = Extract<VariantEntry, { onnx: unknown }>;

/** A scenario variant's name: a built-in's own name, or an ONNX variant's `name`. */
export function variantName(entry: string | { name: string }): string {
  return typeof entry === 'string' ? entry : entry.name;
}
export type TargetSpec = Scenario['target'];
export type HttpTargetSpec = Extract<TargetSpec, { kind: 'http' }>;

/** The JSON Schema editors use (input side: defaults shown, defaulted fields optional). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://ugbench.dev/schemas/scenario.json', title: 'ugbench scenario' };
}
