/**
 * `npm run bench:overload` (a benchmark, not a test): does `ugbench serve` hold under overload?
 * 1. Goodput (200 answers per second) of closed-loop clients without back-off on the tiny model,
 *    64 candidates, against a queue of 8: the connection count that saturates the server, then
 *    2x and 4x that (and 64 / 128 connections, far past the queue), each as a ratio to goodput at
 *    saturation. Target: >= 0.80. Shedding is cheap when the 503 is decided from the headers.
 * 2. Memory: 100 concurrent 30 MB bodies; the server's peak RSS (sampled from /metrics) against
 *    a stated budget: RSS before + the body budget (--body-budget-mb) + 256 MiB.
 * Run it under the shared lock: flock /tmp/ugbench-bench.lock npm run bench:overload
 */
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool, request } from 'undici';
import { startLocalServer } from '../remote/local-server.ts';
import { inferRequestJson } from '../oip/protocol.ts';
import { presetConfig } from '../models/presets.ts';

const ROOT = resolve(import.meta.dirname, '..');
const QUEUE = 8;
const BODY_BUDGET_MB = 256;
const STEP_S = 3;
const { Fu, Fg } = presetConfig('tiny');
const body = JSON.stringify(inferRequestJson(new Float32Array(Fu).fill(0.1), new Float32Array(64 * Fg).fill(0.2), Fg));

/** Closed loop, `connections` clients without back-off for STEP_S seconds: 200s and 503s per second. */
async function goodput(url: string, connections: number): Promise<{ okPerS: number; rejectedPerS: number; otherPerS: number }> {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const endMs = performance.now() + STEP_S * 1000;
  const counts = { ok: 0, rejected: 0, other: 0 };
  const client = async (): Promise<void> => {
    while (performance.now() < endMs) {
      try {
        const res = await pool.request({ path: '/v2/models/baseline/infer', method: 'POST', body, headers: { 'content-type': 'application/json' } });
        await res.body.dump();
        if (res.statusCode === 200) counts.ok++;
        else if (res.statusCode === 503) counts.rejected++;
        else counts.other++;
      } catch {
        counts.other++; // a connection closed under it
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  await pool.close();
  return { okPerS: counts.ok / STEP_S, rejectedPerS: counts.rejected / STEP_S, otherPerS: counts.other / STEP_S };
}

async function rssBytes(url: string): Promise<number> {
  const text = await (await request(`${url}/metrics`)).body.text();
  return Number(/^ugbench_process_resident_memory_bytes (\d+)/m.exec(text)?.[1] ?? NaN);
}

async function goodputPart(url: string): Promise<void> {
  const seen = new Map<number, Awaited<ReturnType<typeof goodput>>>();
  const at = async (c: number): Promise<Awaited<ReturnType<typeof goodput>>> => {
    if (!seen.has(c)) seen.set(c, await goodput(url, c));
    return seen.get(c)!;
  };
  await at(2); // warm-up of the model and the connections
  seen.clear();
  let best = 0;
  for (const c of [1, 2, 4, 8]) best = Math.max(best, (await at(c)).okPerS);
  const saturating = [1, 2, 4, 8].find((c) => seen.get(c)!.okPerS >= 0.95 * best)!;
  const atSat = seen.get(saturating)!.okPerS;
  console.log(`goodput (tiny, 64 candidates, queue ${QUEUE}, closed loop without back-off, ${STEP_S} s per step):`);
  for (const c of [saturating, 2 * saturating, 4 * saturating, 64, 128]) {
    const g = await at(c);
    const ratio = g.okPerS / atSat;
    console.log(`  ${String(c).padStart(3)} connections: ${g.okPerS.toFixed(0)} ok/s, ${g.rejectedPerS.toFixed(0)} 503/s, ${g.otherPerS.toFixed(0)} other/s; goodput / saturation = ${ratio.toFixed(2)}${c === saturating ? ' (saturation)' : ratio >= 0.8 ? ' [>= 0.80: met]' : ' [>= 0.80: MISSED]'}`);
  }
}

async function memoryPart(url: string): Promise<void> {
  const before = await rssBytes(url);
  const big = Buffer.alloc(30 * 2 ** 20, 0x78); // 30 MB of 'x': never valid JSON, never a model input
  let peak = before;
  // cleared after the sampler started, which control-flow analysis does not see inside its loop
  let sampling = true as boolean;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await rssBytes(url).catch(() => 0));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const statuses = new Map<string, number>();
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      try {
        const res = await request(`${url}/v2/models/baseline/infer`, { method: 'POST', body: big, headers: { 'content-length': String(big.length) } });
        await res.body.dump();
        statuses.set(String(res.statusCode), (statuses.get(String(res.statusCode)) ?? 0) + 1);
      } catch (error) {
        const key = `client error (${(error as { code?: string }).code ?? 'unknown'})`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
    }),
  );
  sampling = false;
  await sampler;
  const budget = before + BODY_BUDGET_MB * 2 ** 20 + 256 * 2 ** 20;
  const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
  console.log(`memory: 100 concurrent 30 MB bodies: answers ${JSON.stringify(Object.fromEntries(statuses))}`);
  console.log(`  server RSS before ${mb(before)}, peak ${mb(peak)}; budget (before + ${BODY_BUDGET_MB} MiB body budget + 256 MiB) ${mb(budget)} [${peak <= budget ? 'met' : 'MISSED'}]`);
  const health = performance.now();
  await (await request(`${url}/v2/health/ready`)).body.dump();
  console.log(`  /v2/health/ready right after: ${(performance.now() - health).toFixed(1)} ms`);
}

console.log(`bench:overload on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), load average ${loadavg()[0]!.toFixed(2)}`);
const server = await startLocalServer(join(ROOT, 'bin', 'ugbench.mjs'), ['--preset', 'tiny', '--variants', 'baseline', '--runtime', 'ort-cpu', '--instances', '1', '--max-queue', String(QUEUE), '--body-budget-mb', String(BODY_BUDGET_MB)]);
try {
  await goodputPart(server.url);
  await memoryPart(server.url);
} finally {
  await server.stop();
}
console.log(`load average at the end ${loadavg()[0]!.toFixed(2)} (other processes share these cores)`);
