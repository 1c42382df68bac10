import { INT8_KERNEL_CHOICES, type Int8KernelChoice } from '../../models/onnx/options.ts';
import type { Register } from '../main.ts';
import { choiceOption, integerOption } from '../options.ts';
import { HrClock } from '../../harness/loadgen/clock.ts';
import { PRESET_NAMES } from '../../models/presets.ts';
import { VARIANTS, parseVariant, type Variant } from '../../models/variants.ts';
import { loadWeights } from '../../models/weights/load.ts';
import { RUNTIME_NAMES, resolveRuntime, runtimeUnavailableReason, type RuntimeName } from '../../models/runtimes/registry.ts';
import { createInstancePool, type InstancePool } from '../../models/instances/pool.ts';
import { threadsPerInstance } from '../../models/instances/threads.ts';
import { InputError, UnavailableError } from '../../harness/errors.ts';
import { startOipServer } from '../../server/app.ts';
import { ownModelPool } from './own-model-pool.ts';
import { hostRuntime } from '../../server/hosted-runtime.ts';
import { onnxSpecFromOptions, type OnnxCliOptions } from './onnx-options.ts';
import { describeBatching } from '../../models/instances/batcher.ts';
import { batchingFromFlags, type BatchingFlags } from '../serve-batching.ts';

/** User-state cache budget when no cap is given: bounded memory by default. */
const DEFAULT_CACHE_MB = 256;

/** The user-state cache's byte budget: --cache-bytes, --cache-mb, or DEFAULT_CACHE_MB when no cap at all is given. */
function cacheBytes(opts: Pick<ServeOptions, 'cacheBytes' | 'cacheMb' | 'cacheUsers'>): number | undefined {
  if (opts.cacheBytes !== undefined) return opts.cacheBytes;
  const mb = opts.cacheMb ?? (opts.cacheUsers === undefined ? DEFAULT_CACHE_MB : undefined);
  return mb === undefined ? undefined : mb * 2 ** 20;
}

/** Graceful shutdown: resolves at SIGTERM or SIGINT (the caller stops admitting, finishes in-flight requests, exits 0). */
function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.stderr.write(`ugbench serve: ${signal}: finishing in-flight requests\n`);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/** The cross-request user cache the options ask for, or undefined when none is. */
function cacheOptions(opts: ServeOptions, clock: HrClock): { clock: HrClock; limits: { capacityUsers?: number; capacityBytes?: number; ttlUs?: number } } | undefined {
  const cacheWanted = opts.userCache || opts.cacheUsers !== undefined || opts.cacheMb !== undefined || opts.cacheBytes !== undefined || opts.cacheTtlMs !== undefined;
  if (!cacheWanted) return undefined;
  return {
    clock,
    limits: {
      capacityUsers: opts.cacheUsers,
      // Without any cap the cache would grow with the user population: default to a byte budget.
      capacityBytes: cacheBytes(opts),
      ttlUs: opts.cacheTtlMs === undefined ? undefined : opts.cacheTtlMs * 1000,
    },
  };
}

interface ServeOptions extends OnnxCliOptions, BatchingFlags {
  name?: string;
  preset: string;
  int8Kernel: Int8KernelChoice;
  weights?: string;
  seed: number;
  variants: string;
  runtime: RuntimeName | 'auto';
  threads?: number;
  instances: number;
  host: string;
  port: number;
  maxCandidates: number;
  maxInFlight: number;
  maxQueue: number;
  bodyLimitMb: number;
  bodyBudgetMb: number;
  maxConnections: number;
  cacheUsers?: number;
  cacheMb?: number;
  cacheBytes?: number;
  cacheTtlMs?: number;
  userCache: boolean;
}

export const registerServe: Register = (program) => {
  program
    .command('serve')
    .description('serve the variants over the Open Inference Protocol (KServe v2) HTTP API, with /metrics')
    .option('--preset <name>', `model size: ${PRESET_NAMES.join(', ')}`, choiceOption(PRESET_NAMES), 'small')
    .option('--weights <file>', 'safetensors weights file (wins over --preset)')
    .option('--seed <n>', 'weight generator seed', integerOption(0), 1)
    .option('--variants <list>', `comma-separated models to host: ${VARIANTS.join(', ')}`, 'baseline,ugsep,ugsep-w8a16')
    .option('--runtime <name>', `auto or one of ${RUNTIME_NAMES.join(', ')}`, choiceOption(['auto', ...RUNTIME_NAMES] as const), 'auto')
    .option('--instances <n>', 'model instances per variant (worker threads, each its own runtime); requests go to a free one', integerOption(1), 1)
    .option('--int8-kernel <name>', `ugsep-w8a16 on ORT: ${INT8_KERNEL_CHOICES.join(', ')}`, choiceOption(INT8_KERNEL_CHOICES), 'auto')
    .option('--threads <n>', 'intra-op threads per instance (default: all cores with 1 instance, cores / instances with several)', integerOption(1))
    .option('--host <addr>', 'listen address (loopback by default: a benchmark server is not for the open network)', '127.0.0.1')
    .option('--port <n>', 'listen port (0 = any free port)', integerOption(0), 8000)
    .option('--max-candidates <n>', 'largest N accepted per request (400 above)', integerOption(1), 4096)
    .option('--max-in-flight <n>', 'requests (with --max-batch: batches) each instance computes at once', integerOption(1), 1)
    .option('--max-batch <n>', 'dynamic batching: most requests in one batch (one user pass on its users, one group pass on all its candidates); off without it')
    .option('--preferred-batch <list>', 'dynamic batching: comma-separated batch sizes sent as soon as that many requests wait (each <= --max-batch)')
    .option('--max-queue-delay-us <n>', 'dynamic batching: longest the oldest waiting request is held for a larger batch, µs (default 0)')
    .option('--max-queue <n>', 'requests waiting for a compute slot before 503', integerOption(0), 64)
    .option('--body-limit-mb <n>', 'largest request body (413 above)', integerOption(1), 64)
    .option('--body-budget-mb <n>', 'all request bodies being read at once, server-wide (503 past it)', integerOption(1), 512)
    .option('--max-connections <n>', 'open connections; new ones past it are closed at once', integerOption(1), 1024)
    .option('--user-cache', `cross-request user-state cache for requests with parameters.user_id (${DEFAULT_CACHE_MB} MiB unless --cache-users/--cache-mb/--cache-bytes)`, false)
    .option('--cache-users <n>', 'user-state cache: at most this many users (ugsep variants; requests with parameters.user_id)', integerOption(1))
    .option('--cache-mb <n>', 'user-state cache: byte budget in MiB', integerOption(1))
    .option('--cache-bytes <n>', 'user-state cache: byte budget in bytes (wins over --cache-mb)', integerOption(1))
    .option('--cache-ttl-ms <n>', 'user-state cache: time to live', integerOption(1))
    .option('--onnx <file>', 'serve your own whole ONNX model instead of the variants (docs/own-model.md), on onnxruntime CPU')
    .option('--onnx-user <file>', 'your own split model: the user graph (with --onnx-group); the user cache applies')
    .option('--onnx-group <file>', 'your own split model: the group graph (with --onnx-user)')
    .option('--onnx-names <map>', 'graph names of the contract tensors when they differ, e.g. user_features=u,group_features=g,scores=out')
    .option('--name <model>', 'URL name of your own model (default own_model)')
    .action(async (opts: ServeOptions) => {
      const onnx = onnxSpecFromOptions(opts, 'serve');
      const variants: Variant[] = opts.variants.split(',').map((v, i) => parseVariant(v.trim(), `--variants[${i}]`));
      const batching = batchingFromFlags(opts);
      if (batching && onnx) throw new InputError('serve', ['--max-batch: expected no dynamic batching with --onnx/--onnx-user (an own model has no batched form), got a batch size']);
      const runtimeName = await resolveRuntime(opts.runtime);
      const reason = await runtimeUnavailableReason(runtimeName);
      if (reason) throw new UnavailableError(`runtime ${runtimeName}`, reason);
      const weightsSource = { weightsPath: opts.weights, preset: opts.preset, seed: opts.seed };
      const weights = onnx ? undefined : loadWeights(weightsSource, variants); // here only for the config printed below
      const clock = new HrClock();
      const cache = cacheOptions(opts, clock);
      // HTTP, parsing and admission stay on this thread; every variant computes in its own instances.
      // a benchmark server takes any request it is sent: say so when it listens beyond loopback
      if (!['127.0.0.1', '::1', 'localhost'].includes(opts.host)) process.stderr.write(`warning: serve listens on ${opts.host}, beyond loopback: anyone who can reach this address can use it\n`);
      const threads = threadsPerInstance(opts.instances, opts.threads);
      const pools: InstancePool[] = [];
      const own = onnx ? await ownModelPool({ ...onnx, name: opts.name ?? 'own_model' }, { instances: opts.instances, perInstance: opts.maxInFlight, clock, threads }) : undefined;
      if (own) pools.push(own.pool);
      for (const variant of own ? [] : variants) {
        const spec = { runtime: runtimeName, variant, weights: weightsSource, weightVariants: variants, options: { int8Kernel: opts.int8Kernel, ...(threads === undefined ? {} : { threads }), ...(batching ? { batched: true } : {}) } };
        pools.push(await createInstancePool({ spec, instances: opts.instances, perInstance: opts.maxInFlight, clock, ...(batching ? { batching } : {}) }));
      }
      const server = await startOipServer({
        models: pools.map((pool) => hostRuntime({ pool, perInstance: opts.maxInFlight, maxCandidates: opts.maxCandidates, ...(own ? { name: own.name } : {}), cache: cache && own ? { ...cache, stateBytes: own.stateBytes } : cache })),
        host: opts.host,
        port: opts.port,
        maxInFlight: opts.maxInFlight,
        maxQueued: opts.maxQueue,
        bodyLimitBytes: opts.bodyLimitMb * 2 ** 20,
        bodyBudgetBytes: opts.bodyBudgetMb * 2 ** 20,
        maxConnections: opts.maxConnections,
      });
      const info = pools[0]!.info;
      process.stderr.write(
        `ugbench serve: ${server.url} models ${own ? `${own.name} (${own.form} ONNX model)` : variants.join(', ')} on ${info.runtime} (${info.provider}, ${opts.instances} instance(s) x ${info.threads} threads), ` +
          `config ${own ? JSON.stringify({ Fu: pools[0]!.config.Fu, Fg: pools[0]!.config.Fg }) : JSON.stringify(weights?.config)}, dynamic batching ${batching ? describeBatching(batching) : 'off'}, ` +
          `cross-request user cache ${cache ? `on (${cache.limits.capacityBytes === undefined ? 'no byte budget' : `${cache.limits.capacityBytes} bytes`}, ${cache.limits.capacityUsers ?? 'any number of'} users)` : 'off'}\n`,
      );
      process.stdout.write(`${server.url}\n`);
      await untilStopped();
      await server.close(); // drains in-flight requests, then closes the instance pools
      process.stderr.write('ugbench serve: stopped\n');
    });
};
