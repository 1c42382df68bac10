/**
 * `npm run bench:instances`: what model instances buy on this machine, on `small` with the
 * default scenario's traffic and p99 SLO. For each pair, the max sustainable open-loop rate
 * (harness/results/sweep: geometric steps then bisection; sustained = valid, p99 within the SLO,
 * kept up with the offered load, nothing lost):
 *   - ugsep on ort-cpu: 1 instance x 2 intra-op threads vs 2 instances x 1 thread;
 *   - ugsep on tfjs-wasm (single-threaded wasm): 1 vs 2 instances.
 * The two searches of a pair run interleaved (one probe each in turn) so both see the same
 * machine; the ratio of their peaks is printed, with the late-start share at each peak and the
 * number of requests each p99 rests on. A benchmark, not a test: it prints and exits 0.
 * Run it under the shared lock: flock /tmp/ugbench-bench.lock npm run bench:instances
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { findPeakQps } from '../harness/results/sweep/search.ts';
import { clock, describeSearch, probe, startRate, turnTaker } from './peak-probe.ts';
import { loadScenarioFile } from '../harness/scenario/load.ts';
import { createInstancePool, type InstancePool } from '../models/instances/pool.ts';
import { presetConfig } from '../models/presets.ts';
import type { RuntimeName } from '../models/runtimes/registry.ts';

const root = join(import.meta.dirname, '..');
const base = loadScenarioFile(join(root, 'scenarios', 'default.yaml'));
const sloP99Ms = base.slo?.p99Ms ?? 200;
const config = presetConfig('small');

interface Layout {
  label: string;
  runtime: RuntimeName;
  instances: number;
  threads?: number;
}

async function comparePair(a: Layout, b: Layout): Promise<void> {
  const pools: InstancePool[] = [];
  try {
    for (const layout of [a, b]) {
      const options = layout.threads === undefined ? {} : { threads: layout.threads };
      pools.push(await createInstancePool({ spec: { runtime: layout.runtime, variant: 'ugsep', weights: { preset: 'small', seed: base.seed }, weightVariants: ['ugsep'], options }, instances: layout.instances, clock }));
    }
    const turn = turnTaker();
    const searches = [a, b].map(async (layout, i) => {
      const pool = pools[i]!;
      const start = await turn(() => startRate(pool, config));
      return findPeakQps((qps) => turn(() => probe(base, config, pool, layout.runtime, Math.round(qps * 10) / 10, sloP99Ms)), { startQps: start, growth: 2, relativePrecision: 0.1, maxSteps: 6 });
    });
    const [ra, rb] = await Promise.all(searches);
    const [da, db] = [ra!, rb!].map((r) => describeSearch(r));
    [a, b].forEach((layout, i) => {
      const pool = pools[i]!;
      process.stdout.write(`  ${layout.label.padEnd(26)} (${pool.info.provider}, ${pool.size} x ${pool.info.threads} threads): ${[da, db][i]!.text}\n`);
    });
    const ratio = da!.peakQps && db!.peakQps ? (db!.peakQps / da!.peakQps).toFixed(2) : 'n/a';
    process.stdout.write(`  => ${b.label} / ${a.label} sustainable rate: ${ratio}x\n`);
  } finally {
    for (const p of pools) await p.close();
  }
}

const flags = (/^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').split(' ');
const simd = ['avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx_vnni'].filter((f) => flags.includes(f));
process.stdout.write(`bench:instances on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores; ${simd.join(' ') || 'no AVX2'}), load average ${loadavg()[0]!.toFixed(2)}\n`);
process.stdout.write(`model small, ugsep, default traffic (candidates ~64, Poisson), p99 SLO ${sloP99Ms} ms, cache off; probes: 1 s warm-up + 5 s measured\n`);
await comparePair({ label: 'ort-cpu 1 instance x 2', runtime: 'ort-cpu', instances: 1, threads: 2 }, { label: 'ort-cpu 2 instances x 1', runtime: 'ort-cpu', instances: 2, threads: 1 });
await comparePair({ label: 'tfjs-wasm 1 instance', runtime: 'tfjs-wasm', instances: 1 }, { label: 'tfjs-wasm 2 instances', runtime: 'tfjs-wasm', instances: 2 });
process.stdout.write(`load average at the end ${loadavg()[0]!.toFixed(2)} (other processes on this machine share its cores)\n`);
