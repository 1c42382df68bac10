/**
 * The paired phase wired into the bench: the in-process paired systems bypass the cross-request
 * cache (a repeated user still runs its user pass on every paired request), and the results JSON
 * of a `tiny` bench through the CLI holds the paired samples, per-bucket speedups and `all`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HrClock } from '../../../harness/loadgen/clock.ts';
import { candidateBuckets, measuredCandidates } from '../../../harness/loadgen/candidate-buckets.ts';
import { runPaired } from '../../../harness/loadgen/paired.ts';
import { buildPlan } from '../../../harness/loadgen/traffic/plan.ts';
import type { BenchResults } from '../../../harness/results/contract.ts';
import { parseScenario } from '../../../harness/scenario/load.ts';
import type { Completion, Query, SystemUnderTest } from '../../../harness/loadgen/sut.ts';
import { openInProcessTarget } from '../../../cli/bench/in-process-target.ts';
import { speedupPairs } from '../../../cli/bench/paired-phase.ts';
import { presetConfig } from '../../../models/presets.ts';
import { loadWeights } from '../../../models/weights/load.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('paired systems in process', () => {
  it('bypass the user cache: every paired request of one repeated user runs whole, where the cached SUT hits', async () => {
    // every request is the same user, and the cache is on: the measured SUT would hit from the second on
    const scenario = parseScenario(
      { name: 't', model: { preset: 'tiny' }, variants: ['baseline', 'ugsep'], runtimes: [{ name: 'reference' }], traffic: { users: { size: 1, distribution: 'uniform' }, candidates: { distribution: 'uniform', min: 2, max: 40 }, arrivals: { process: 'constant', rateQps: 50 } }, run: { warmupS: 0, durationS: 2, minQueries: 1 } },
      'test',
    );
    const plan = buildPlan(scenario);
    const buckets = candidateBuckets(measuredCandidates(plan));
    const weights = loadWeights({ config: presetConfig('tiny'), seed: scenario.seed }, ['baseline', 'ugsep']);
    const runtime = { requested: 'reference', name: 'reference' as const, instances: 1, parallelRequests: 1, int8: {} };
    const target = await openInProcessTarget({ scenario, plan, buckets, clock: new HrClock(), variants: ['baseline', 'ugsep'], root: ROOT, runtime, choice: { preset: 'tiny', config: presetConfig('tiny') }, weights, log: () => {} });
    try {
      const ugsep = target.systems.find((s) => s.variant === 'ugsep')!;
      // every paired request: the whole request ran (user pass included), no cache consulted
      let wholeRequests = 0;
      let requests = 0;
      const counting = (sut: SystemUnderTest): SystemUnderTest => ({
        async issue(q: Query): Promise<Completion> {
          const c = await sut.issue(q);
          requests++;
          if (c.status === 'completed' && c.cacheHit === null && c.tags?.cache === undefined && c.timingsUs?.serviceUs !== undefined) wholeRequests++;
          return c;
        },
      });
      const indices = [plan.warmupCount, plan.warmupCount + 1, plan.warmupCount + 2, plan.warmupCount + 3];
      const run = await runPaired({ systems: [{ name: 'ugsep', sut: counting(ugsep.pairedSut!) }, { name: 'baseline', sut: target.systems[0]!.pairedSut! }], plan, buckets, indices, warmupPerSystem: 0 });
      expect(run.rows.length).toBe(4);
      expect(requests).toBe(4);
      expect(wholeRequests).toBe(4);
      // control: the measured SUT (cache on) hits for the same repeated user and skips its user pass
      const cached = ugsep.cacheSource as SystemUnderTest;
      const a = await cached.issue({ index: indices[0]!, userId: 1, candidates: plan.candidates[indices[0]!]! });
      const b = await cached.issue({ index: indices[0]!, userId: 1, candidates: plan.candidates[indices[0]!]! });
      expect(a.timingsUs?.userPassUs).toBeGreaterThan(0);
      expect([a.cacheHit, b.cacheHit]).toEqual([false, true]);
      expect(b.timingsUs?.userPassUs).toBeUndefined();
    } finally {
      await target.close();
    }
  });

  it('pairs every variant with the baseline, and w8a16 with ugsep', () => {
    expect(speedupPairs(['baseline', 'ugsep', 'ugsep-w8a16'])).toEqual([
      { variant: 'ugsep', over: 'baseline' },
      { variant: 'ugsep-w8a16', over: 'baseline' },
      { variant: 'ugsep-w8a16', over: 'ugsep' },
    ]);
    expect(speedupPairs(['ugsep', 'ugsep-w8a16'])).toEqual([{ variant: 'ugsep-w8a16', over: 'ugsep' }]);
  });
});

describe('ugbench bench (tiny): paired samples in the results JSON', () => {
  it('holds paired samples for every bucket, rotating orders, and prints the paired block first', () => {
    const out = mkdtempSync(join(tmpdir(), 'ugbench-paired-'));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/ugbench.mjs'), 'bench', '--runtime', 'reference', '--duration', '3', '--warmup', '0.3', '--min-queries', '5', '--paired', '3', '--out', out, '--no-report', '--no-progress'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
    expect(r.stderr).not.toContain('crashed');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    const p = results.paired!;
    expect(p.cache).toBe('bypassed');
    expect(p.variants).toEqual(['baseline', 'ugsep', 'ugsep-w8a16']);
    const labels = p.buckets.map((b) => b.bucket);
    expect(labels.at(-1)).toBe('all');
    expect(labels.length).toBeGreaterThanOrEqual(7); // >= 6 buckets + all
    for (const b of p.buckets.slice(0, -1)) expect(b.n).toBe(p.samples.filter((s) => s.bucket === b.bucket).length);
    expect(p.buckets.at(-1)!.n).toBe(p.samples.length);
    p.samples.forEach((s, i) => {
      expect(s.order).toEqual([...p.variants.slice(i % 3), ...p.variants.slice(0, i % 3)]);
      for (const v of p.variants) expect(s.serviceUs[v]).toBeGreaterThan(0);
    });
    for (const b of p.buckets) {
      expect(b.speedups.map((s) => `${s.variant}/${s.over}`)).toEqual(['ugsep/baseline', 'ugsep-w8a16/baseline', 'ugsep-w8a16/ugsep']);
      for (const s of b.speedups) {
        expect(s.lo95).toBeLessThanOrEqual(s.ratio);
        expect(s.hi95).toBeGreaterThanOrEqual(s.ratio);
        expect(s.ratio).toBeCloseTo(b.medianServiceUs[s.over]! / b.medianServiceUs[s.variant]!, 10);
        expect(s.predictedFlopRatio).toBeGreaterThan(0);
      }
    }
    // every run carries the candidates tag; its buckets are the paired ones
    for (const run of results.runs) expect(Object.keys(run.tags!['candidates']!).sort()).toEqual(labels.slice(0, -1).sort());
    const paired = r.stdout.indexOf('paired service-time speedups');
    expect(paired).toBeGreaterThanOrEqual(0);
    expect(paired).toBeLessThan(r.stdout.indexOf('p50 ms'));
    for (const line of r.stdout.slice(paired, r.stdout.indexOf('Open-loop runs follow')).split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });
});
