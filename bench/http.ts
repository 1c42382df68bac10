/**
 * `npm run bench:http` (a benchmark, not a test). Prints:
 * 1. HTTP path overhead: p50 over HTTP (ugbench serve in a child process, loopback) minus p50
 *    in-process, same model, same plan, light open-loop load, one run each, interleaved.
 * 2. The load generator's ceiling: maximum request rate of the undici client (closed loop) and
 *    of autocannon against a trivial endpoint (a child process answering a fixed scores body),
 *    beside the rate `wrk` reaches when it is installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { parseScenario } from '../harness/scenario/load.ts';
import { runBench } from '../cli/bench/run-bench.ts';
import { machineFacts } from '../harness/results/provenance.ts';

const ROOT = resolve(import.meta.dirname, '..');
const MACHINE = await machineFacts(); // read once, before any timing

async function overhead(): Promise<void> {
  const base = {
    name: 'http-overhead',
    seed: 7,
    model: { preset: 'small' },
    variants: ['ugsep'],
    runtimes: [{ name: 'ort-cpu' }],
    traffic: { users: { size: 1000 }, candidates: { distribution: 'fixed', count: 16 }, arrivals: { process: 'constant', rateQps: 20 } },
    cache: { enabled: false },
    run: { warmupS: 1, durationS: 5, minQueries: 50 },
  };
  const rows: string[] = [];
  const p50 = { inProcess: [] as number[], http: [] as number[] };
  for (let round = 0; round < 2; round++) {
    for (const kind of ['in-process', 'http'] as const) {
      const scenario = parseScenario({ ...base, target: { kind } }, 'bench:http');
      const results = await runBench({ scenario, scenarioPath: null, root: ROOT, machine: MACHINE });
      const run = results.runs[0]!;
      (kind === 'http' ? p50.http : p50.inProcess).push(run.latencyUs.overall.p50Us);
      const server = run.serverTimingUs ? `server compute p50 ${(run.serverTimingUs.compute.p50Us / 1000).toFixed(2)} ms` : '';
      rows.push(`  round ${round + 1} ${kind.padEnd(10)} p50 ${(run.latencyUs.overall.p50Us / 1000).toFixed(2)} ms  p99 ${(run.latencyUs.overall.p99Us / 1000).toFixed(2)} ms  ${server}`);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log('HTTP path overhead (small, ugsep, N=16, 20 req/s constant, loopback):');
  for (const row of rows) console.log(row);
  const inProc = median(p50.inProcess);
  const http = median(p50.http);
  console.log(`  => HTTP p50 - in-process p50 = ${((http - inProc) / 1000).toFixed(2)} ms (ratio ${(http / inProc).toFixed(2)}x)\n`);
}

/** A trivial OIP-shaped endpoint in its own process, so the client under test has a core to itself. */
async function trivialServer(): Promise<{ url: string; stop: () => void }> {
  const code = `
    const http = require('node:http');
    const body = JSON.stringify({ model_name: 'trivial', outputs: [{ name: 'scores', shape: [1], datatype: 'FP32', data: [0.5] }] });
    const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); }); });
    server.keepAliveTimeout = 60000;
    server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((r) => createInterface({ input: child.stdout }).once('line', r));
  return { url, stop: () => child.kill() };
}

const BODY = JSON.stringify({ inputs: [{ name: 'user_features', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }, { name: 'group_features', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] });
const SECONDS = 4;
const CONNECTIONS = 32;

async function undiciRate(url: string): Promise<number> {
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1 });
  const endAt = performance.now() + SECONDS * 1000;
  let done = 0;
  const client = async (): Promise<void> => {
    while (performance.now() < endAt) {
      const res = await pool.request({ method: 'POST', path: '/v2/models/trivial/infer', body: BODY, headers: { 'content-type': 'application/json' } });
      await res.body.text();
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, client));
  await pool.close();
  return done / SECONDS;
}

async function autocannonRate(url: string): Promise<number> {
  const result = await autocannon({ url: `${url}/v2/models/trivial/infer`, method: 'POST', body: BODY, headers: { 'content-type': 'application/json' }, connections: CONNECTIONS, duration: SECONDS });
  return result.requests.average;
}

function wrkRate(url: string): string {
  if (spawnSync('wrk', ['--version']).error) return 'not installed (apt-get install wrk)';
  const dir = mkdtempSync(join(tmpdir(), 'ugbench-wrk-'));
  const script = join(dir, 'post.lua');
  writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(BODY)}\nwrk.headers["Content-Type"] = "application/json"\n`);
  const out = spawnSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '-s', script, `${url}/v2/models/trivial/infer`], { encoding: 'utf8' });
  const match = /Requests\/sec:\s+([\d.]+)/.exec(out.stdout);
  return match ? `${Number(match[1]).toFixed(0)} req/s` : `failed: ${out.stderr.trim()}`;
}

async function clientCeiling(): Promise<void> {
  const server = await trivialServer();
  try {
    const undici = await undiciRate(server.url);
    const cannon = await autocannonRate(server.url);
    console.log(`Load generator ceiling against a trivial endpoint (${CONNECTIONS} connections, ${SECONDS} s each, loopback, 2 cores shared with the server):`);
    console.log(`  undici (ugbench's plan-driven client): ${undici.toFixed(0)} req/s`);
    console.log(`  autocannon:                            ${cannon.toFixed(0)} req/s  (undici / autocannon = ${(undici / cannon).toFixed(2)})`);
    console.log(`  wrk:                                   ${wrkRate(server.url)}`);
  } finally {
    server.stop();
  }
}

// --ceiling-only skips the (slower) overhead runs.
if (!process.argv.includes('--ceiling-only')) await overhead();
await clientCeiling();
