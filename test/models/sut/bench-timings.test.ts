/**
 * A bench through model instances: every run's results carry the instance-measured service and
 * queue histograms (one sample per completed request), ugsep's user/group pass split, the
 * instances and cache design that ran; and the console table prints the model's and the
 * system's speedups side by side.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench } from '../../../cli/bench/run-bench.ts';
import { formatResultsTable } from '../../../cli/bench/table.ts';
import { decodeHistogram } from '../../../harness/loadgen/histogram.ts';
import { parseScenario } from '../../../harness/scenario/load.ts';
import { CACHE_DESIGN } from '../../../models/sut/cached-scorer.ts';
import { TEST_MACHINE } from '../../fixtures/machine.ts';

describe('bench through model instances', () => {
  it('results carry service and queue histograms per variant, instances and cache design; the table shows both speedups', async () => {
    const scenario = parseScenario(
      {
        name: 'instances-timings',
        seed: 3,
        model: { preset: 'tiny' },
        variants: ['baseline', 'ugsep'],
        runtimes: [{ name: 'ort-cpu', instances: 2, threads: 1 }],
        traffic: { users: { size: 40, distribution: 'uniform' }, candidates: { distribution: 'fixed', count: 8 }, arrivals: { process: 'poisson', rateQps: 60 } },
        cache: { capacityUsers: 100 },
        run: { warmupS: 0.2, durationS: 1, minQueries: 10 },
      },
      'test',
    );
    const results = await runBench({ scenario, scenarioPath: null, root: resolve(import.meta.dirname, '../../..'), machine: TEST_MACHINE });
    for (const run of results.runs) {
      expect(run.runtime.instances).toBe(2);
      expect(run.runtime.threads).toBe(1);
      const completed = run.counts.completed;
      expect(completed).toBeGreaterThan(0);
      for (const name of ['service', 'queue'] as const) {
        expect(run.sutTimingsUs?.[name]?.count).toBe(completed);
        expect(decodeHistogram(run.histograms.sutTimings![name]!).totalCount).toBe(completed);
      }
      expect(run.sutTimingsUs!.service!.p50Us).toBeGreaterThan(0);
    }
    const ugsep = results.runs.find((r) => r.variant === 'ugsep')!;
    expect(ugsep.userCache.used).toBe(true);
    expect(ugsep.userCache.design).toBe(CACHE_DESIGN);
    expect(ugsep.sutTimingsUs!.groupPass!.count).toBe(ugsep.counts.completed);
    expect(ugsep.userCache.misses).toBeGreaterThan(0);
    expect(ugsep.sutTimingsUs!.userPass!.count).toBe(ugsep.userCache.misses); // the user pass runs on misses only
    const table = formatResultsTable(results);
    console.log(table);
    expect(table).toMatch(/svc p50 ms +model x +system x/);
    expect(table).toMatch(/model x = baseline service-time p50 \/ this one/);
    expect(table).toMatch(/system x = baseline latency p50 \/ this one under this load/);
  }, 120_000);
});
