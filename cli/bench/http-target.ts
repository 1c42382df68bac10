/**
 * Systems under test over HTTP (scenario `target: http`): every variant is sent to an Open
 * Inference Protocol server, so latency includes network, server queueing and compute.
 * - no endpoints: start `ugbench serve` for this runtime on a free loopback port in a child
 *   process (all variants, same weights and seed as in process); stopped gracefully on close;
 * - endpoints: a remote fleet (Triton, KServe, ugbench serve elsewhere); several endpoints are
 *   replicas, requests routed by consistent hashing of the user id. Results say it was remote.
 * The paired phase sends requests without a user id (no server-side user cache), one at a time,
 * and reads the server-reported compute time; a server that reports none leaves it out.
 */
import { describeServerStats, readTritonStats, serverStatsFacts } from '../../remote/triton-stats.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure } from '../../harness/loadgen/measure.ts';
import type { TargetFacts } from '../../harness/results/contract.ts';
import type { HttpTargetSpec } from '../../harness/scenario/schema.ts';
import { prepareRequestSamples } from '../../models/sut/samples.ts';
import { VARIANT_TRAITS, type Variant } from '../../models/variants.ts';
import { writeSafetensors } from '../../models/weights/safetensors.ts';
import { runAutocannon } from '../../remote/autocannon-executor.ts';
import { startLocalServer, type LocalServer } from '../../remote/local-server.ts';
import { createOipSut, type OipSut } from '../../remote/oip-sut.ts';
import { createBodyBuilder, type BodyBuilder } from '../../remote/request-bodies.ts';
import { modelIdentity, userCacheFacts } from './assemble.ts';
import { fileSha256 } from './file-sha256.ts';
import { remoteRuntimeFacts, serveArgs } from './http-server.ts';
import { createParitySampler, parityFacts } from './parity.ts';
import type { BenchSystem, BenchTarget, TargetContext } from './systems.ts';

interface HttpEndpoints {
  endpoints: string[];
  /** ugbench started the server (its cache got the scenario's budget) */
  local: boolean;
  runtimeName: string;
  bodies: BodyBuilder;
  weightsSha256: string | null;
}

export async function openHttpTarget(ctx: TargetContext, target: HttpTargetSpec): Promise<BenchTarget> {
  const local = target.endpoints === undefined;
  let server: LocalServer | undefined;
  let scratch: string | undefined;
  const clients: OipSut[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
  try {
    if (local) {
      const args = serveArgs(ctx, target);
      if (ctx.choice.preset === null && ctx.choice.weightsPath === undefined) {
        // An explicit config: hand the server the exact weights through a file.
        scratch = mkdtempSync(join(tmpdir(), 'ugbench-serve-'));
        const file = join(scratch, 'weights.safetensors');
        writeSafetensors(file, ctx.weights);
        args.push('--weights', file);
      }
      ctx.log(`starting ugbench serve (${ctx.runtime.name}) on loopback (untimed)`);
      server = await startLocalServer(join(ctx.root, 'bin', 'ugbench.mjs'), args);
    }
    const samples = prepareRequestSamples(ctx.weights.config, ctx.scenario.seed, ctx.plan);
    const bodies = createBodyBuilder(samples, ctx.weights.config.Fg);
    for (let i = 0; i < ctx.plan.count; i++) bodies.prepare(i); // encode every row once, untimed
    const where: HttpEndpoints = {
      endpoints: server ? [server.url] : (target.endpoints ?? []),
      local,
      runtimeName: local ? ctx.runtime.name : 'remote',
      bodies,
      weightsSha256: ctx.choice.weightsPath ? fileSha256(ctx.choice.weightsPath) : null, // untimed
    };
    const systems: BenchSystem[] = [];
    for (const variant of ctx.variants) systems.push(await httpSystem(ctx, target, where, variant, clients, samples));
    return { runtimeName: where.runtimeName, systems, onlyOnce: !local, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function httpSystem(ctx: TargetContext, target: HttpTargetSpec, where: HttpEndpoints, variant: Variant, clients: OipSut[], samples: ReturnType<typeof prepareRequestSamples>): Promise<BenchSystem> {
  const { scenario, plan } = ctx;
  const config = ctx.weights.config;
  const modelName = target.models?.[variant] ?? variant;
  const first = where.endpoints[0] ?? '';
  const runtime = await remoteRuntimeFacts(first, modelName, config, where.runtimeName);
  const cacheUsed = scenario.cache.enabled && target.sendUserId && VARIANT_TRAITS[variant].masked;
  // parity needs the scores: only the undici client sees them, and only a local server's model is known here
  const parity = target.client === 'undici' && where.local ? createParitySampler(scenario, plan) : undefined;
  const client = (sendUserId: boolean, connections: number, onScores?: (index: number, scores: Float32Array) => void): OipSut => {
    const c = createOipSut({ endpoints: where.endpoints, modelName, bodies: where.bodies, connections, timeoutMs: target.timeoutMs, sendUserId, onScores });
    clients.push(c);
    return c;
  };
  const label = `${variant}@${where.runtimeName}`;
  const targetFacts: TargetFacts = { kind: 'http', client: target.client, endpoints: where.endpoints, localServer: where.local, modelName, latencyResolutionUs: 1 };
  const measureRun: BenchSystem['measure'] =
    target.client === 'autocannon'
      ? (hooks) =>
          runAutocannon({
            url: first,
            modelName,
            plan,
            bodies: where.bodies,
            connections: scenario.traffic.arrivals.process === 'closed' ? scenario.traffic.arrivals.concurrency : target.connections,
            timeoutMs: target.timeoutMs,
            sendUserId: target.sendUserId,
            candidateBuckets: ctx.buckets,
            ...hooks,
          })
      : (hooks) => {
          const sut = client(target.sendUserId, target.connections, parity ? (index, scores) => parity.record(index, scores) : undefined);
          return measure({ scenario, plan, sut, clock: ctx.clock, candidateBuckets: ctx.buckets, ...hooks });
        };
  // Triton's statistics extension, read untimed around the measured phase (absent: the reason)
  const measureWithStats: BenchSystem['measure'] = async (hooks) => {
    const before = await readTritonStats(first, modelName);
    const record = await measureRun(hooks);
    targetFacts.serverStats = serverStatsFacts(before, await readTritonStats(first, modelName));
    ctx.log(`${label}: ${describeServerStats(targetFacts.serverStats)}`);
    return record;
  };
  const parityK = scenario.parity?.k;
  return {
    label,
    variant,
    startLine: `${label}: over HTTP (${target.client}) to ${where.endpoints.join(', ')}, model ${modelName}`,
    identity: {
      variant,
      runtimeName: where.runtimeName,
      requestedRuntime: where.local ? ctx.runtime.requested : 'remote',
      runtime,
      // a remote fleet's cache budget is its own; ugbench's local server got the scenario's
      userCache: userCacheFacts(scenario, config, variant, cacheUsed, where.local),
      ...modelIdentity(config, variant, where.weightsSha256),
      target: targetFacts,
    },
    measure: measureWithStats,
    pairedSut: client(false, 1), // no user id: the server's user cache is not consulted
    ...(parity && parityK !== undefined
      ? { parity: { sampler: parity, check: () => parityFacts({ sampler: parity, k: parityK, weights: ctx.weights, variant, runtimeName: ctx.runtime.name, samples }) } }
      : {}),
  };
}
