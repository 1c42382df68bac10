/**
 * Triton's statistics extension as a client reads it: GET /v2/models/{name}/stats gives
 * cumulative counts and nanoseconds per phase (queue, compute_input, compute_infer,
 * compute_output, success, fail). Read before and after a run, the difference divided by the
 * successful requests in between is the server's own mean time per request in each phase.
 * A server without the extension (ugbench serve, KServe runtimes) answers 404 or no such JSON:
 * that is reported as absent with the reason, never as zero.
 */
import type { ServerStatsFacts } from '../harness/results/contract.ts';

const PHASES = ['success', 'fail', 'queue', 'compute_input', 'compute_infer', 'compute_output'] as const;
type Phase = (typeof PHASES)[number];

export interface TritonStatsSnapshot {
  endpoint: string;
  phases: Record<Phase, { count: number; ns: number }>;
}

export type StatsRead = { ok: true; snapshot: TritonStatsSnapshot } | { ok: false; reason: string };

const asNumber = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);

/** Parse one stats answer; `reason` when it is not Triton's statistics JSON for one model. */
export function parseTritonStats(body: unknown, endpoint: string, model: string): StatsRead {
  const stats = (body as { model_stats?: unknown } | null)?.model_stats;
  if (!Array.isArray(stats) || stats.length === 0) return { ok: false, reason: `${endpoint}: /v2/models/${model}/stats answered without model_stats` };
  // one entry per version: sum them (a run may span a version switch)
  const phases = Object.fromEntries(PHASES.map((p) => [p, { count: 0, ns: 0 }])) as TritonStatsSnapshot['phases'];
  for (const entry of stats as { inference_stats?: Record<string, { count?: unknown; ns?: unknown } | undefined> }[]) {
    for (const p of PHASES) {
      const s = entry.inference_stats?.[p];
      const count = asNumber(s?.count);
      const ns = asNumber(s?.ns);
      if (count === undefined || ns === undefined) return { ok: false, reason: `${endpoint}: /v2/models/${model}/stats has no inference_stats.${p}.{count, ns}` };
      phases[p].count += count;
      phases[p].ns += ns;
    }
  }
  return { ok: true, snapshot: { endpoint, phases } };
}

/** Read the statistics of `model` at `endpoint` (never throws: absence is a reason). */
export async function readTritonStats(endpoint: string, model: string, timeoutMs = 5000): Promise<StatsRead> {
  const url = `${endpoint.replace(/\/$/, '')}/v2/models/${encodeURIComponent(model)}/stats`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return { ok: false, reason: `${endpoint}: GET /v2/models/${model}/stats answered HTTP ${res.status} (no statistics extension)` };
    return parseTritonStats(await res.json(), endpoint, model);
  } catch (error) {
    return { ok: false, reason: `${endpoint}: GET /v2/models/${model}/stats failed (${(error as Error).message})` };
  }
}

/** The server's mean per-request phase times over the run, from the reads before and after. */
export function serverStatsFacts(before: StatsRead, after: StatsRead): ServerStatsFacts {
  if (!before.ok) return { available: false, reason: before.reason };
  if (!after.ok) return { available: false, reason: after.reason };
  const d = (p: Phase): { count: number; ns: number } => ({ count: after.snapshot.phases[p].count - before.snapshot.phases[p].count, ns: after.snapshot.phases[p].ns - before.snapshot.phases[p].ns });
  const requests = d('success').count;
  const failed = d('fail').count;
  if (requests <= 0) return { available: false, endpoint: before.snapshot.endpoint, reason: `the server counted ${requests} successful requests between the reads: no per-request figure` };
  const perRequestUs = (p: Phase): number => d(p).ns / requests / 1000;
  return {
    available: true,
    endpoint: before.snapshot.endpoint,
    requests,
    failed,
    queueUs: perRequestUs('queue'),
    computeInputUs: perRequestUs('compute_input'),
    computeInferUs: perRequestUs('compute_infer'),
    computeOutputUs: perRequestUs('compute_output'),
    requestUs: perRequestUs('success'),
  };
}

/** One line for the run log. */
export function describeServerStats(s: ServerStatsFacts): string {
  if (!s.available) return `server statistics absent: ${s.reason ?? 'unknown reason'}`;
  const f = (us: number | undefined): string => `${(us ?? 0).toFixed(1)} µs`;
  return `server statistics over ${s.requests} requests (per request): queue ${f(s.queueUs)}, compute input ${f(s.computeInputUs)}, infer ${f(s.computeInferUs)}, output ${f(s.computeOutputUs)}, whole ${f(s.requestUs)}`;
}
