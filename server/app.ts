/**
 * `ugbench serve`: an Open Inference Protocol (KServe v2) HTTP server over the model runtimes.
 * node:http only: the protocol is small and the hot path should carry no framework overhead.
 * Every malformed request gets a 400 naming the offending part; overload gets 503 + Retry-After;
 * an oversized body 413; nothing a client sends can crash the process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdmission, type Admission, type AdmissionOptions } from './admission.ts';
import type { SutTimingsUs } from '../harness/loadgen/sut.ts';
import type { InstanceStats } from '../models/instances/pool.ts';
import { createServerMetrics, observeInstances, type ServerMetrics } from './metrics.ts';
import { createBodyBudget, nestingDepth, readBody, type BodyBudget } from './body.ts';
import { admitFromHeaders, pause } from './shed.ts';

/** Deepest JSON nesting accepted: an infer request needs 4 ({inputs: [{data: [[...]]}]}); the rest is headroom. */
const MAX_NESTING = 32;
import { BadRequest, GROUP_INPUT, SCORES_OUTPUT, USER_INPUT, parseInferRequest, type InferResponseJson, type ParsedInfer } from '../oip/protocol.ts';

/** One model the server hosts (one per variant). */
export interface HostedModel {
  /** URL name, e.g. 'ugsep' */
  name: string;
  /** what runs it, e.g. 'ugbench/ort-cpu' */
  platform: string;
  Fu: number;
  Fg: number;
  maxCandidates: number;
  /** facts reported in metadata: runtime, provider, threads, precision, caching */
  facts: Record<string, string | number | boolean>;
  /** requests it computes at once (its instances); default: the server's maxInFlight */
  concurrency?: number;
  /** per-instance counters for /metrics (models served by an instance pool) */
  instances?(): readonly InstanceStats[];
  /** requests waiting inside the model (its instance pool's queues) */
  queued?(): number;
  /** release what it holds (instances) after the server stopped */
  close?(): Promise<void>;
  infer(request: ParsedInfer): Promise<InferOutcome>;
}

export interface InferOutcome {
  scores: Float32Array; // [N]
  /** null when no cross-request cache is in play (baseline, or no user_id) */
  cacheHit: boolean | null;
  /** cache evictions this request caused */
  evictions: number;
  /** measured by the model instance: its own queue and compute time, µs */
  timingsUs?: SutTimingsUs;
}

export interface ServerOptions extends AdmissionOptions {
  models: HostedModel[];
  /** default 127.0.0.1: a benchmark server is not for the open network */
  host?: string;
  /** default 8000 (Triton's HTTP port); 0 picks a free port */
  port?: number;
  /** largest accepted request body; default 32 MiB */
  bodyLimitBytes?: number;
  /** bytes all request bodies being read may hold together (503 past it); default 8 x bodyLimitBytes */
  bodyBudgetBytes?: number;
  /** open connections; past it node closes new ones at once (counted); default 1024 */
  maxConnections?: number;
  version?: string;
}

export interface RunningServer {
  url: string;
  metrics: ServerMetrics;
  server: Server;
  /** stop admitting, finish what is in flight, close connections */
  close(): Promise<void>;
}

/** What the request handlers share: the options, the counters, and the admissions per model. */
interface ServerState {
  options: ServerOptions;
  metrics: ServerMetrics;
  admissions: Map<string, Admission>;
  models: Map<string, HostedModel>;
  bodyLimitBytes: number;
  bodyBudget: BodyBudget;
  /** set by close(): readiness turns 503 and new infer requests are refused */
  closing: boolean;
}

type Finish = (code: number, body: unknown, headers?: Record<string, string>) => void;

export async function startOipServer(options: ServerOptions): Promise<RunningServer> {
  const bodyLimitBytes = options.bodyLimitBytes ?? 32 * 1024 * 1024;
  const state: ServerState = {
    options,
    metrics: createServerMetrics(),
    // Admission per model: a model's instances compute at most `concurrency` requests at once and
    // its queue holds at most maxQueued more; past that a request gets its 503 at once.
    admissions: new Map(options.models.map((m) => [m.name, createAdmission({ maxInFlight: m.concurrency ?? options.maxInFlight, maxQueued: options.maxQueued })])),
    models: new Map(options.models.map((m) => [m.name, m])),
    bodyLimitBytes,
    bodyBudget: createBodyBudget(options.bodyBudgetBytes ?? 8 * bodyLimitBytes),
    closing: false,
  };
  const server = createHttpServer(state);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8000, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    metrics: state.metrics,
    server,
    async close() {
      state.closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...state.admissions.values()].map((a) => a.drained()));
      server.closeIdleConnections();
      await closed;
      for (const model of options.models) await model.close?.();
    },
  };
}

function createHttpServer(state: ServerState): Server {
  const server = createServer((req, res) => {
    handle(state, req, res).catch((error: unknown) => {
      // Last line of defence: a bug answers 500, it never takes the server down.
      if (!res.headersSent) send(res, 500, { error: `server: ${error instanceof Error ? error.message : String(error)}` });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  // Connections past the limit are closed at once by node (each one holds buffers and a parser).
  server.maxConnections = state.options.maxConnections ?? 1024;
  server.on('drop', () => state.metrics.rejected.inc({ reason: 'too_many_connections' }));
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

function totalOf(state: ServerState, read: (a: Admission) => number): number {
  return [...state.admissions.values()].reduce((sum, a) => sum + read(a), 0);
}

async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  const method = req.method ?? 'GET';
  const { closing, options, metrics } = state;
  if (method === 'GET' && path === '/v2/health/live') {
    send(res, 200, { live: true });
  } else if (method === 'GET' && path === '/v2/health/ready') {
    send(res, closing ? 503 : 200, { ready: !closing });
  } else if (method === 'GET' && path === '/v2') {
    send(res, 200, { name: 'ugbench', version: options.version ?? '0', extensions: ['model_repository_read_only'] });
  } else if (method === 'GET' && path === '/metrics') {
    metrics.inFlight.set(totalOf(state, (a) => a.inFlight));
    metrics.queueDepth.set(totalOf(state, (a) => a.queued));
    observeInstances(metrics, options.models, (name) => state.admissions.get(name)!.queued);
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(await metrics.registry.metrics());
  } else {
    await handleModelPath(state, req, res, path, method);
  }
}

/** /v2/models/{name}[/versions/1][/ready|/infer] */
async function handleModelPath(state: ServerState, req: IncomingMessage, res: ServerResponse, path: string, method: string): Promise<void> {
  const match = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/.exec(path);
  if (!match) {
    send(res, 404, { error: `path: no endpoint ${method} ${path}` });
    return;
  }
  let name: string;
  try {
    name = decodeURIComponent(match[1]!);
  } catch {
    state.metrics.rejected.inc({ reason: 'bad_path' });
    send(res, 400, { error: `path: malformed percent-encoding in ${JSON.stringify(match[1])}` });
    return;
  }
  const model = state.models.get(name);
  const action = match[3];
  if (!model) send(res, 404, { error: `model: expected one of ${[...state.models.keys()].join(', ')}, got ${JSON.stringify(match[1])}` });
  else if (match[2] !== undefined && match[2] !== '1') send(res, 404, { error: `version: model ${model.name} has version 1, got ${JSON.stringify(match[2])}` });
  else if (action === undefined && method === 'GET') send(res, 200, modelMetadata(model));
  else if (action === '/ready' && method === 'GET') send(res, state.closing ? 503 : 200, { name: model.name, ready: !state.closing });
  else if (action === '/infer' && method === 'POST') await infer(state, model, req, res);
  else send(res, 405, { error: `method: ${method} not allowed on ${path}` });
}

async function infer(state: ServerState, model: HostedModel, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { metrics } = state;
  const arrivedNs = process.hrtime.bigint();
  const finish: Finish = (code, body, headers = {}) => {
    metrics.requestSeconds.observe({ model: model.name, code: String(code) }, Number(process.hrtime.bigint() - arrivedNs) / 1e9);
    send(res, code, body, headers);
  };
  if (state.closing) {
    metrics.rejected.inc({ reason: 'shutting_down' });
    finish(503, { error: 'server: shutting down' }, { 'retry-after': '1', connection: 'close' });
    return;
  }
  // Admission from the headers: a full model is refused before a byte of the body is read.
  const admitted = admitFromHeaders(state.admissions.get(model.name)!, req);
  if (!('reservation' in admitted)) {
    metrics.rejected.inc({ reason: admitted.reason });
    // paced and kept alive, or refused at once and closed: server/shed.ts decides from the headers
    await pause(admitted.paceMs);
    finish(admitted.status, { error: admitted.error }, admitted.headers);
    return;
  }
  const { reservation } = admitted;
  // The client leaving (its connection closed before the answer) frees its place in the queue.
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  const queuedNs = process.hrtime.bigint();
  const parsed = await readAndParse(state, model, req, finish);
  if (parsed === undefined) {
    reservation.cancel();
    return;
  }
  metrics.queueDepth.set(totalOf(state, (a) => a.queued));
  const release = await reservation.acquire(gone.signal);
  if (!release) {
    metrics.rejected.inc({ reason: 'client_gone' });
    metrics.queueDepth.set(totalOf(state, (a) => a.queued));
    return;
  }
  const startNs = process.hrtime.bigint();
  metrics.inFlight.set(totalOf(state, (a) => a.inFlight));
  metrics.queueDepth.set(totalOf(state, (a) => a.queued));
  let outcome: InferOutcome;
  try {
    outcome = await model.infer(parsed);
  } catch (error) {
    metrics.rejected.inc({ reason: 'compute_error' });
    finish(500, { error: `compute: ${(error as Error).message}` });
    return;
  } finally {
    release();
    metrics.inFlight.set(totalOf(state, (a) => a.inFlight));
  }
  const doneNs = process.hrtime.bigint();
  // Queue: waiting for admission here, plus the instance pool's own queue when it reports one.
  // Compute: the instance's own service time when it measured it, else the wall time here.
  const queueUs = Number(startNs - queuedNs) / 1e3 + (outcome.timingsUs?.queueUs ?? 0);
  const computeUs = outcome.timingsUs?.serviceUs ?? Number(doneNs - startNs) / 1e3;
  observeOutcome(metrics, model.name, outcome, queueUs, computeUs);
  const response: InferResponseJson = {
    model_name: model.name,
    model_version: '1',
    ...(parsed.id === undefined ? {} : { id: parsed.id }),
    parameters: {
      queue_us: Math.round(queueUs),
      compute_us: Math.round(computeUs),
      ...(outcome.cacheHit === null ? {} : { user_cache: outcome.cacheHit ? 'hit' : 'miss' }),
    },
    outputs: [{ name: SCORES_OUTPUT, shape: [outcome.scores.length], datatype: 'FP32', data: Array.from(outcome.scores) }],
  };
  finish(200, response, { 'server-timing': `queue;dur=${(queueUs / 1e3).toFixed(3)}, compute;dur=${(computeUs / 1e3).toFixed(3)}` });
}

function observeOutcome(metrics: ServerMetrics, model: string, outcome: InferOutcome, queueUs: number, computeUs: number): void {
  metrics.queueSeconds.observe({ model }, queueUs / 1e6);
  metrics.computeSeconds.observe({ model }, computeUs / 1e6);
  if (outcome.cacheHit === true) metrics.cacheHits.inc({ model });
  if (outcome.cacheHit === false) metrics.cacheMisses.inc({ model });
  if (outcome.evictions > 0) metrics.cacheEvictions.inc({ model }, outcome.evictions);
}

/** The body read within the limits and parsed; undefined when already answered (or the client left). */
async function readAndParse(state: ServerState, model: HostedModel, req: IncomingMessage, finish: Finish): Promise<ParsedInfer | undefined> {
  const { metrics, bodyLimitBytes, bodyBudget } = state;
  const body = await readBody(req, bodyLimitBytes, bodyBudget);
  if (body.kind === 'too-large') {
    metrics.rejected.inc({ reason: 'body_too_large' });
    finish(413, { error: `body: expected at most ${bodyLimitBytes} bytes, got ${body.bytes}` }, { connection: 'close' });
    return undefined;
  }
  if (body.kind === 'over-budget') {
    metrics.rejected.inc({ reason: 'memory_budget' });
    const error = `server: memory budget for request bodies in use (${bodyBudget.heldBytes} of ${bodyBudget.capacityBytes} bytes held; this body ${body.bytes}+ bytes)`;
    finish(503, { error }, { 'retry-after': '1', connection: 'close' });
    return undefined;
  }
  if (body.kind === 'aborted') return undefined; // client went away: nothing to answer
  try {
    if (nestingDepth(body.text, MAX_NESTING) > MAX_NESTING) throw new BadRequest(`body: expected JSON nested at most ${MAX_NESTING} levels deep, got deeper`);
    let json: unknown;
    try {
      json = JSON.parse(body.text);
    } catch (error) {
      throw new BadRequest(`body: expected JSON, got a parse error (${(error as Error).message})`);
    }
    return parseInferRequest(json, model);
  } catch (error) {
    metrics.rejected.inc({ reason: 'bad_request' });
    if (!(error instanceof BadRequest)) throw error;
    finish(400, { error: error.message });
    return undefined;
  }
}

function modelMetadata(model: HostedModel): unknown {
  return {
    name: model.name,
    versions: ['1'],
    platform: model.platform,
    inputs: [
      { name: USER_INPUT, datatype: 'FP32', shape: [1, model.Fu] },
      { name: GROUP_INPUT, datatype: 'FP32', shape: [-1, model.Fg] },
    ],
    outputs: [{ name: SCORES_OUTPUT, datatype: 'FP32', shape: [-1] }],
    parameters: { max_candidates: model.maxCandidates, ...model.facts },
  };
}

function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
