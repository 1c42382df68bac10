/**
 * `npm run bench:batching`: what dynamic batching buys on this machine, for ugsep on `small` with
 * the default scenario's traffic (Poisson arrivals, ~64 candidates, distinct users) and its p99
 * SLO. Two pools of 1 ort-cpu instance each: unbatched, and batched (maxBatch 8, maxQueueDelayUs
 * 2000: a batch runs one user pass on its users and one group pass on all its candidates). Each
 * finds its max sustainable open-loop rate (geometric steps then bisection; sustained = valid,
 * p99 within the SLO, kept up with the offered load, nothing lost), the two searches interleaved
 * probe by probe. Prints both peaks, the batch sizes at the batched peak and the ratio
 * batched / unbatched. A benchmark, not a test: it prints and exits 0.
 * Run it under the shared lock: flock /tmp/ugbench-bench.lock npm run bench:batching
 * BATCHING_BENCH_STEPS=<n> caps the probes per search (default 6; 2 makes a quick smoke run).
 */
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPeakQps } from '../harness/results/sweep/search.ts';
import { loadScenarioFile } from '../harness/scenario/load.ts';
import { batchingPolicy, describeBatching, type BatchingPolicy } from '../models/instances/batcher.ts';
import { createInstancePool, type InstancePool } from '../models/instances/pool.ts';
import { presetConfig } from '../models/presets.ts';
import { clock, describeSearch, peakProbe, probe, startRate, turnTaker, type Probe } from './peak-probe.ts';

const root = join(import.meta.dirname, '..');
const base = loadScenarioFile(join(root, 'scenarios', 'default.yaml'));
const sloP99Ms = base.slo?.p99Ms ?? 200;
const config = presetConfig('small');
const maxSteps = Number(process.env.BATCHING_BENCH_STEPS ?? 6);
const BATCHING = batchingPolicy({ maxBatch: 8, maxQueueDelayUs: 2000 });

interface Layout {
  label: string;
  batching?: BatchingPolicy;
}

const layouts: Layout[] = [{ label: 'unbatched' }, { label: `batched (${describeBatching(BATCHING)})`, batching: BATCHING }];

function describe(layout: Layout, pool: InstancePool, r: { steps: Probe[]; stopped: string }): string {
  const sizes = (peak: Probe) => (Object.keys(peak.batchSizes).length > 0 ? `, requests per batch size ${JSON.stringify(peak.batchSizes)}` : '');
  return `  ${layout.label} (${pool.info.provider}, ${pool.size} x ${pool.info.threads} threads, batched form ${pool.batchedForm}): ${describeSearch(r, sizes).text}`;
}

async function main(): Promise<void> {
  const pools: InstancePool[] = [];
  try {
    for (const layout of layouts) {
      const options = { threads: 2, ...(layout.batching ? { batched: true } : {}) };
      pools.push(await createInstancePool({ spec: { runtime: 'ort-cpu', variant: 'ugsep', weights: { preset: 'small', seed: base.seed }, weightVariants: ['ugsep'], options }, clock, ...(layout.batching ? { batching: layout.batching } : {}) }));
    }
    const turn = turnTaker();
    const start = await turn(() => startRate(pools[0]!, config)); // one start for both: the same first load
    const results = await Promise.all(
      pools.map((pool) => findPeakQps((qps) => turn(() => probe(base, config, pool, 'ort-cpu', Math.round(qps * 10) / 10, sloP99Ms)), { startQps: start, growth: 2, relativePrecision: 0.1, maxSteps })),
    );
    results.forEach((r, i) => process.stdout.write(`${describe(layouts[i]!, pools[i]!, r)}\n`));
    const [plain, batched] = results.map(peakProbe);
    const ratio = plain && batched ? `${(batched.targetQps / plain.targetQps).toFixed(2)}x` : 'n/a (a search found no sustainable rate)';
    process.stdout.write(`  => batched / unbatched sustainable rate at p99 <= ${sloP99Ms} ms: ${ratio}\n`);
  } finally {
    for (const p of pools) await p.close();
  }
}

const flags = (/^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').split(' ');
const simd = ['avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx_vnni'].filter((f) => flags.includes(f));
process.stdout.write(`bench:batching on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores; ${simd.join(' ') || 'no AVX2'}), load average ${loadavg()[0]!.toFixed(2)}\n`);
process.stdout.write(`model small, ugsep on ort-cpu, default traffic (candidates ~64, Poisson), p99 SLO ${sloP99Ms} ms, cache off; probes: 1 s warm-up + 5 s measured, at most ${maxSteps} per search\n`);
await main();
process.stdout.write(`load average at the end ${loadavg()[0]!.toFixed(2)} (other processes on this machine share its cores)\n`);
