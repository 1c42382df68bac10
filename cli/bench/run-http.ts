/**
 * The bench over HTTP (scenario `target: http`): every variant of the plan is sent to an Open
 * Inference Protocol server, so latency includes network, server queueing and compute.
 * - no endpoints: per runtime, start `ugbench serve` on a free loopback port in a child process
 *   (all variants, same weights and seed as in-process), run, stop it gracefully;
 * - endpoints: a remote fleet (Triton, KServe, ugbench serve elsewhere); several endpoints are
 *   replicas, requests routed by consistent hashing of the user id. Results say it was remote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import type { Clock } from '../../harness/loadgen/clock.ts';
import { InputError } from '../../harness/errors.ts';
import type { ExecutorRecord } from '../../harness/loadgen/executors/executor.ts';
import { measure } from '../../harness/loadgen/measure.ts';
import { toRunResult } from '../../harness/results/run-result.ts';
import type { RunResult, RuntimeFacts, TargetFacts } from '../../harness/results/contract.ts';
import type { HttpTargetSpec, Scenario } from '../../harness/scenario/schema.ts';
import type { SystemUnderTest } from '../../harness/loadgen/sut.ts';
import type { TrafficPlan } from '../../harness/loadgen/traffic/plan.ts';
import type { ModelConfig } from '../../models/config.ts';
import { modelIdentity, runDoneLine, userCacheFacts } from './assemble.ts';
import { fileSha256 } from './file-sha256.ts';
import { prepareRequestSamples } from '../../models/sut/samples.ts';
import { VARIANT_TRAITS, type Variant } from '../../models/variants.ts';
import { writeSafetensors } from '../../models/weights/safetensors.ts';
import type { ModelWeights } from '../../models/weights/layout.ts';
import { runAutocannon } from '../../remote/autocannon-executor.ts';
import { startLocalServer, type LocalServer } from '../../remote/local-server.ts';
import { createOipSut } from '../../remote/oip-sut.ts';
import { describeServerStats, readTritonStats, serverStatsFacts } from '../../remote/triton-stats.ts';
import { createBodyBuilder } from '../../remote/request-bodies.ts';
import type { ModelChoice } from './resolve.ts';
import type { Progress } from './progress.ts';
import { createParitySampler, parityFacts } from './parity.ts';
import type { RuntimeName } from '../../models/runtimes/registry.ts';

export interface HttpRunContext {
  scenario: Scenario;
  target: HttpTargetSpec;
  plan: TrafficPlan;
  clock: Clock;
  variants: Variant[];
  /** the bin to start for a local server */
  binPath: string;
  signal?: AbortSignal;
  progress?: Progress;
  log: (line: string) => void;
}

export interface HttpRuntimeTarget {
  /** runtime the local server runs; null for a remote target (the server decides) */
  runtime: { requested: string; name: RuntimeName; threads?: number } | null;
  choice: ModelChoice;
  weights: ModelWeights;
}

/** Run every variant against one server (local for this runtime, or the remote endpoints). */
export async function runHttpVariants(ctx: HttpRunContext, t: HttpRuntimeTarget): Promise<RunResult[]> {
  const { scenario, target, plan } = ctx;
  const config = t.weights.config;
  const local = target.endpoints === undefined;
  let server: LocalServer | undefined;
  let scratch: string | undefined;
  const runs: RunResult[] = [];
  try {
    if (local) {
      const args = serveArgs(ctx, t);
      if (t.choice.preset === null && t.choice.weightsPath === undefined) {
        // An explicit config: hand the server the exact weights through a file.
        scratch = mkdtempSync(join(tmpdir(), 'ugbench-serve-'));
        const file = join(scratch, 'weights.safetensors');
        writeSafetensors(file, t.weights);
        args.push('--weights', file);
      }
      ctx.log(`starting ugbench serve (${t.runtime!.name}) on loopback (untimed)`);
      server = await startLocalServer(ctx.binPath, args);
    }
    const endpoints = server ? [server.url] : target.endpoints!;
    const weightsSha256 = t.choice.weightsPath ? fileSha256(t.choice.weightsPath) : null; // untimed
    const samples = prepareRequestSamples(config, scenario.seed, plan);
    const bodies = createBodyBuilder(samples, config.Fg);
    for (let i = 0; i < plan.count; i++) bodies.prepare(i); // encode every row once, untimed
    for (const variant of ctx.variants) {
      if (ctx.signal?.aborted) break;
      const modelName = target.models?.[variant] ?? variant;
      const runtime = await remoteRuntimeFacts(endpoints[0]!, modelName, config, t.runtime?.name ?? 'remote');
      const cacheUsed = scenario.cache.enabled && target.sendUserId && VARIANT_TRAITS[variant].masked;
      const parity = target.client === 'undici' ? createParitySampler(scenario, plan) : undefined;
      const label = `${variant}@${t.runtime?.name ?? 'remote'}`;
      ctx.log(`${label}: over HTTP (${target.client}) to ${endpoints.join(', ')}, model ${modelName}`);
      const statsBefore = await readTritonStats(endpoints[0]!, modelName); // untimed: Triton's statistics extension, if any
      ctx.progress?.start(label, plan.count - plan.warmupCount);
      let record: ExecutorRecord;
      let cacheSource: SystemUnderTest | undefined; // autocannon has no SUT object: hits come per response
      if (target.client === 'autocannon') {
        record = await runAutocannon({
          url: endpoints[0]!,
          modelName,
          plan,
          bodies,
          connections: scenario.traffic.arrivals.process === 'closed' ? scenario.traffic.arrivals.concurrency : target.connections,
          timeoutMs: target.timeoutMs,
          sendUserId: target.sendUserId,
          signal: ctx.signal,
          onProgress: (d, p) => ctx.progress?.update(d, p),
        });
      } else {
        const oip = createOipSut({
          endpoints,
          modelName,
          bodies,
          connections: target.connections,
          timeoutMs: target.timeoutMs,
          sendUserId: target.sendUserId,
          onScores: parity ? (index, scores) => parity.record(index, scores) : undefined,
        });
        cacheSource = oip;
        try {
          record = await measure({ scenario, plan, sut: oip, clock: ctx.clock, signal: ctx.signal, onProgress: (d, p) => ctx.progress?.update(d, p) });
        } finally {
          await oip.close();
        }
      }
      ctx.progress?.stop();
      const targetFacts: TargetFacts = {
        kind: 'http',
        client: target.client,
        endpoints,
        localServer: local,
        modelName,
        latencyResolutionUs: 1,
        serverStats: serverStatsFacts(statsBefore, await readTritonStats(endpoints[0]!, modelName)),
      };
      ctx.log(`${label}: ${describeServerStats(targetFacts.serverStats!)}`);
      const run = toRunResult(
        record,
        cacheSource,
        {
          variant,
          runtimeName: t.runtime?.name ?? 'remote',
          requestedRuntime: t.runtime?.requested ?? 'remote',
          runtime,
          // a remote fleet's cache budget is its own; ugbench's local server got the scenario's
          userCache: userCacheFacts(scenario, config, variant, cacheUsed, local),
          ...modelIdentity(config, variant, weightsSha256),
          target: targetFacts,
        },
        scenario,
      );
      if (parity && scenario.parity && t.runtime) {
        ctx.log(`${label}: parity check of ${parity.samples().length} sampled requests (untimed)`);
        run.parity = await parityFacts({ sampler: parity, k: scenario.parity.k, weights: t.weights, variant, runtimeName: t.runtime.name, samples });
      }
      runs.push(run);
      ctx.log(runDoneLine(label, run));
    }
  } finally {
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  return runs;
}

function serveArgs(ctx: HttpRunContext, t: HttpRuntimeTarget): string[] {
  const { scenario, target, plan } = ctx;
  let maxCandidates = 1;
  for (let i = 0; i < plan.count; i++) maxCandidates = Math.max(maxCandidates, plan.candidates[i]!);
  const args = [
    '--runtime', t.runtime!.name,
    '--variants', ctx.variants.join(','),
    '--seed', String(scenario.seed),
    '--max-candidates', String(maxCandidates),
    '--max-in-flight', String(target.server.maxInFlight),
    '--max-queue', String(target.server.maxQueue),
  ];
  if (t.runtime!.threads !== undefined) args.push('--threads', String(t.runtime!.threads));
  if (t.choice.weightsPath !== undefined) args.push('--weights', t.choice.weightsPath);
  else if (t.choice.preset !== null) args.push('--preset', t.choice.preset);
  const cache = scenario.cache;
  if (cache.enabled) {
    // Forced hit rate: the plan makes the hits, so the server's cache is unlimited.
    args.push('--user-cache');
    if (cache.forcedHitRate === undefined) {
      if (cache.capacityUsers !== undefined) args.push('--cache-users', String(cache.capacityUsers));
      if (cache.capacityBytes !== undefined) args.push('--cache-bytes', String(cache.capacityBytes));
      if (cache.ttlS !== undefined) args.push('--cache-ttl-ms', String(Math.max(1, Math.round(cache.ttlS * 1000))));
    }
  }
  return args;
}

/** What the server says it runs (ugbench serve reports its facts; other servers their platform). */
async function remoteRuntimeFacts(endpoint: string, modelName: string, config: ModelConfig, runtimeName: string): Promise<RuntimeFacts> {
  let meta: { platform?: string; inputs?: Array<{ name: string; shape: number[] }>; parameters?: Record<string, unknown> };
  try {
    const res = await request(`${endpoint}/v2/models/${encodeURIComponent(modelName)}`);
    meta = (await res.body.json()) as typeof meta;
    if (res.statusCode !== 200) throw new Error(`http ${res.statusCode}`);
  } catch (error) {
    throw new InputError('target', [`target.models: expected ${endpoint} to serve a model named ${JSON.stringify(modelName)}, got ${(error as Error).message}`]);
  }
  const user = meta.inputs?.find((i) => i.name === 'user_features');
  if (user && user.shape[user.shape.length - 1] !== config.Fu) {
    throw new InputError('target', [`target: expected model ${modelName} to take user_features of ${config.Fu} values (the scenario's model), got shape ${JSON.stringify(user.shape)}`]);
  }
  const p = meta.parameters ?? {};
  const text = (key: string, fallback: string): string => (typeof p[key] === 'string' ? (p[key] as string) : fallback);
  return {
    runtime: runtimeName,
    provider: text('provider', meta.platform ?? 'unknown (remote server)'),
    threads: typeof p.threads === 'number' ? p.threads : 0,
    weightPrecision: text('weight_precision', 'unknown (remote server)'),
    activationPrecision: text('activation_precision', 'unknown (remote server)'),
    details: { engine: text('runtime', meta.platform ?? 'remote'), platform: meta.platform ?? 'unknown', modelConfig: Object.entries(config).map(([k, v]) => `${k}=${v}`).join(' ') },
  };
}
