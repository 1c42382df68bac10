import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { BenchResults } from '../../harness/results/contract.ts';
import { startLocalServer } from '../../remote/local-server.ts';
import { runCli } from '../cli/run-cli.ts';

const BIN = resolve(import.meta.dirname, '../../bin/ugbench.mjs');

function scenario(dir: string, body: string): string {
  const path = join(dir, 'scenario.yaml');
  writeFileSync(path, body);
  return path;
}

async function residentBytes(url: string): Promise<number> {
  const text = await (await request(`${url}/metrics`)).body.text();
  return Number(/ugbench_process_resident_memory_bytes (\d+)/.exec(text)![1]);
}

describe('bench over HTTP', () => {
  it('starts its own server on loopback, runs the plan over HTTP, scores match the reference', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ugbench-http-'));
    const path = scenario(
      dir,
      `name: http-e2e
seed: 3
model: { preset: tiny }
variants: [baseline, ugsep, ugsep-w8a16]
runtimes: [{ name: ort-cpu, threads: 1 }]
traffic:
  users: { size: 40 }
  candidates: { distribution: uniform, min: 2, max: 24 }
  arrivals: { process: poisson, rateQps: 100 }
target: { kind: http }
run: { warmupS: 0.3, durationS: 1.5, minQueries: 40 }
parity: { sampleFraction: 0.2 }
`,
    );
    const out = join(dir, 'out');
    const r = runCli(['bench', path, '--out', out, '--no-progress', '--no-report']);
    expect(r.stderr).not.toContain('crashed');
    expect(r.status).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    for (const run of results.runs) {
      expect(run.target).toMatchObject({ kind: 'http', client: 'undici', localServer: true, modelName: run.variant });
      expect(run.target!.endpoints[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(run.counts.errored).toBe(0);
      expect(run.counts.completed).toBeGreaterThan(40);
      expect(run.runtime.provider).toBe('cpu'); // what the server said it ran
      expect(run.serverTimingUs!.compute.p50Us).toBeLessThan(run.latencyUs.overall.p50Us); // network + queue on top
      const drift = run.parity!.vsReference!.maxAbsDrift;
      console.log(`${run.id} over HTTP vs reference: max |score drift| ${drift}`);
      expect(drift).toBeLessThan(run.variant === 'ugsep-w8a16' ? 2e-2 : 1e-5);
    }
    const ugsep = results.runs.find((run) => run.variant === 'ugsep')!;
    expect(ugsep.userCache.used).toBe(true);
    expect(ugsep.observedHitRate).toBeGreaterThan(0.3); // 40 users, returning: the server's cache hits
  });

  it('closed loop with autocannon: every response recorded, cache outcomes from the server', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ugbench-autocannon-'));
    const path = scenario(
      dir,
      `name: autocannon
seed: 3
model: { preset: tiny }
variants: [baseline, ugsep]
runtimes: [{ name: ort-cpu, threads: 1 }]
traffic:
  users: { size: 50 }
  candidates: { distribution: fixed, count: 8 }
  arrivals: { process: closed, concurrency: 4 }
target: { kind: http, client: autocannon }
run: { warmupS: 0.3, durationS: 1.5, minQueries: 50 }
`,
    );
    const out = join(dir, 'out');
    const r = runCli(['bench', path, '--out', out, '--no-progress', '--no-report']);
    expect(r.stderr).not.toContain('crashed');
    expect(r.status).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    for (const run of results.runs) {
      expect(run.executor.kind).toBe('closed');
      expect(run.target).toMatchObject({ kind: 'http', client: 'autocannon', localServer: true });
      expect(run.counts.errored).toBe(0);
      expect(run.counts.completed).toBeGreaterThan(50);
      expect(run.counts.completed).toBe(run.latencyUs.overall.count);
      expect(run.serverTimingUs!.compute.count).toBe(run.counts.completed);
    }
    const ugsep = results.runs.find((run) => run.variant === 'ugsep')!;
    expect(ugsep.userCache.hits + ugsep.userCache.misses).toBe(ugsep.counts.completed);
    expect(ugsep.userCache.misses).toBeGreaterThan(0);
  });

  it('overload past capacity: 503s counted in results, no crash, resident memory bounded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ugbench-overload-'));
    const server = await startLocalServer(BIN, ['--preset', 'small', '--variants', 'baseline', '--runtime', 'ort-cpu', '--max-in-flight', '1', '--max-queue', '4']);
    try {
      const before = await residentBytes(server.url);
      const path = scenario(
        dir,
        `name: overload
seed: 5
model: { preset: small }
variants: [baseline]
traffic:
  candidates: { distribution: fixed, count: 128 }
  arrivals: { process: constant, rateQps: 400 }
target: { kind: http, endpoints: ["${server.url}"], connections: 64 }
run: { warmupS: 0, durationS: 2, minQueries: 10 }
`,
      );
      const out = join(dir, 'out');
      const r = runCli(['bench', path, '--out', out, '--no-progress', '--no-report']);
      expect(r.stderr).not.toContain('crashed');
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
      const run = results.runs[0]!;
      console.log(`overload: ${run.counts.completed} completed, errors ${JSON.stringify(run.errors)}`);
      expect(run.errors['http 503']).toBeGreaterThan(50);
      expect(run.counts.completed).toBeGreaterThan(0);
      expect(run.target).toMatchObject({ localServer: false, endpoints: [server.url] });
      // still serving, and memory did not grow with the ~800 requests (~300 KB each) it was sent
      expect((await request(`${server.url}/v2/health/ready`)).statusCode).toBe(200);
      const after = await residentBytes(server.url);
      console.log(`server RSS before ${(before / 2 ** 20).toFixed(0)} MiB, after ${(after / 2 ** 20).toFixed(0)} MiB`);
      expect(after - before).toBeLessThan(150 * 2 ** 20);
      const metrics = await (await request(`${server.url}/metrics`)).body.text();
      // the server counted at least the rejections the client saw (a client timeout can hide one)
      expect(Number(/ugbench_rejected_requests_total\{reason="overloaded"\} (\d+)/.exec(metrics)![1])).toBeGreaterThanOrEqual(run.errors['http 503']!);
    } finally {
      await server.stop();
    }
  });
});

describe('remote fleet of replicas', () => {
  it('reports completions, hit rate and latency per replica; users stay on their replica', async () => {
    const { parseScenario } = await import('../../harness/scenario/load.ts');
    const { runBench } = await import('../../cli/bench/run-bench.ts');
    const { createInstancePool } = await import('../../models/instances/pool.ts');
    const { presetConfig } = await import('../../models/presets.ts');
    const { startOipServer } = await import('../../server/app.ts');
    const { hostRuntime } = await import('../../server/hosted-runtime.ts');
    const { HrClock } = await import('../../harness/loadgen/clock.ts');
    const spec = { runtime: 'ort-cpu', variant: 'ugsep', weights: { config: presetConfig('tiny'), seed: 9 }, weightVariants: ['ugsep'], options: { threads: 1 } } as const;
    const clock = new HrClock();
    const servers = [];
    // three replicas, each its own instance (and cache)
    for (let r = 0; r < 3; r++) servers.push(await startOipServer({ port: 0, models: [hostRuntime({ pool: await createInstancePool({ spec }), maxCandidates: 64, cache: { clock, limits: {} } })] }));
    try {
      const scenario = parseScenario(
        {
          name: 'fleet',
          seed: 9,
          model: { preset: 'tiny' },
          variants: ['ugsep'],
          traffic: { users: { size: 60 }, candidates: { distribution: 'fixed', count: 8 }, arrivals: { process: 'constant', rateQps: 200 } },
          target: { kind: 'http', endpoints: servers.map((s) => s.url) },
          run: { warmupS: 0, durationS: 1.5, minQueries: 50 },
        },
        'fleet',
      );
      const results = await runBench({ scenario, scenarioPath: null, root: resolve(import.meta.dirname, '../..'), machine: (await import('../fixtures/machine.ts')).TEST_MACHINE });
      const run = results.runs[0]!;
      expect(run.target).toMatchObject({ kind: 'http', localServer: false, endpoints: servers.map((s) => s.url) });
      expect(run.replicas!.map((r) => r.endpoint).sort()).toEqual(servers.map((s) => s.url).sort());
      expect(run.replicas!.reduce((sum, r) => sum + r.completed, 0)).toBe(run.counts.completed);
      for (const replica of run.replicas!) {
        console.log(`${replica.endpoint}: ${replica.completed} completed, hit rate ${replica.hitRate?.toFixed(2)}, p50 ${(replica.latencyUs.p50Us / 1000).toFixed(2)} ms`);
        expect(replica.completed).toBeGreaterThan(0);
        // sticky routing: each replica misses once per user it owns, then hits
        expect(replica.hitRate).toBeGreaterThan(0.5);
        expect(replica.latencyUs.count).toBe(replica.completed);
      }
      expect(run.observedHitRate).toBeGreaterThan(0.5);
    } finally {
      for (const s of servers) await s.close(); // each closes its instance pool
    }
  });
});
