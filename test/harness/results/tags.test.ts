/**
 * The tagged measurement record end to end: a tag set in one place (the SUT's completion) shows
 * up in the run's results, in the merge of two shards and in the report's per-tag table with no
 * other code knowing its name; HTTP-fleet shards keep per-replica figures and server timing.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../harness/loadgen/clock.ts';
import { decodeHistogram } from '../../../harness/loadgen/histogram.ts';
import { measure } from '../../../harness/loadgen/measure.ts';
import type { Completion, Query, SystemUnderTest } from '../../../harness/loadgen/sut.ts';
import { buildPlan } from '../../../harness/loadgen/traffic/plan.ts';
import type { RunResult } from '../../../harness/results/contract.ts';
import { mergeRun } from '../../../harness/results/merge/merge-runs.ts';
import { toRunResult } from '../../../harness/results/run-result.ts';
import { parseScenario } from '../../../harness/scenario/load.ts';
import { tagTable } from '../../../reports/tags.ts';
import type { RunRow } from '../../../reports/runs.ts';

const scenario = parseScenario({ name: 't', traffic: { arrivals: { process: 'constant', rateQps: 100 } }, run: { warmupS: 0.1, durationS: 2, minQueries: 10 } }, 'test');

/** The one place the fake tag exists: a SUT that labels each request with an `instance`. */
function taggingSut(clock: SimulatedClock, answer: (q: Query) => Partial<Completion>): SystemUnderTest {
  return {
    async issue(q) {
      await clock.sleepUntilUs(clock.nowUs() + 1000 + (q.index % 2) * 1000);
      return { status: 'completed', cacheHit: null, ...answer(q) } as Completion;
    },
  };
}

async function runWith(answer: (q: Query) => Partial<Completion>): Promise<RunResult> {
  const clock = new SimulatedClock();
  const plan = buildPlan(scenario);
  const sut = taggingSut(clock, answer);
  const record = await measure({ scenario, plan, sut, clock });
  const runtime = { runtime: 'sim', provider: 'sim', threads: 1, weightPrecision: 'fp32', activationPrecision: 'fp32', details: {} };
  const userCache = { used: false, capacityBytes: null, capacityUsers: null, ttlMs: null, forcedHitRate: null, stateBytesPerUser: null };
  return toRunResult(record, sut, { variant: 'v', runtimeName: 'sim', requestedRuntime: 'sim', runtime, userCache, cost: () => null }, scenario);
}

const instanceTag = (q: Query): Partial<Completion> => ({ tags: { instance: String(q.index % 2) }, timingsUs: { serviceUs: 1000 + (q.index % 2) * 1000 } });

describe('a new tag added in one place', () => {
  it('appears in results, merged results and the report table', async () => {
    const run = await runWith(instanceTag);
    const inst = run.tags!['instance']!;
    expect(Object.keys(inst).sort()).toEqual(['0', '1']);
    expect(inst['0']!.completed + inst['1']!.completed).toBe(run.counts.completed);
    expect(inst['1']!.latencyUs.summary.p50Us).toBeGreaterThan(inst['0']!.latencyUs.summary.p50Us);
    expect(inst['1']!.timingsUs['service']!.summary.p50Us).toBeCloseTo(2000, -1);
    expect(run.timingsUs!['service']!.summary.count).toBe(run.counts.completed);

    const other = await runWith(instanceTag);
    const merged = mergeRun([{ shardLabel: 'shard 0/2', run }, { shardLabel: 'shard 1/2', run: other }], scenario, []);
    const m = merged.tags!['instance']!;
    expect(m['0']!.completed).toBe(inst['0']!.completed + other.tags!['instance']!['0']!.completed);
    expect(decodeHistogram(m['1']!.latencyUs.histogram).totalCount).toBe(m['1']!.completed);
    expect(merged.timingsUs!['service']!.summary.count).toBe(run.counts.completed + other.counts.completed);

    const table = tagTable([{ series: merged.id, run: merged } as RunRow]);
    const rows = table.rows.filter((r) => r[1] === 'instance');
    expect(rows.map((r) => r[2])).toEqual(['0', '1']);
    expect(rows[0]![3]).toBe(String(m['0']!.completed));
    expect(table.headers).toContain('service p50 ms');
  });

  it('a run without tags has no tag rows but the candidate bucket of the load generator (negative control)', async () => {
    const run = await runWith(() => ({}));
    expect(Object.keys(run.tags!)).toEqual(['candidates']); // every completion carries its bucket
    expect(tagTable([{ series: run.id, run } as RunRow]).rows.filter((r) => r[1] !== 'candidates')).toEqual([]);
  });
});

describe('merging HTTP-fleet shards', () => {
  const fleet = (q: Query): Partial<Completion> => ({
    replica: q.userId % 2 === 0 ? 'http://a:8000' : 'http://b:8000',
    cacheHit: q.index % 4 === 0,
    serverQueueUs: 100,
    serverComputeUs: 800,
  });

  it('keeps per-replica figures and server timing', async () => {
    const [s0, s1] = [await runWith(fleet), await runWith(fleet)];
    expect(s0.replicas!.map((r) => r.endpoint).sort()).toEqual(['http://a:8000', 'http://b:8000']);
    expect(s0.serverTimingUs!.compute.count).toBe(s0.counts.completed);
    const merged = mergeRun([{ shardLabel: 'shard 0/2', run: s0 }, { shardLabel: 'shard 1/2', run: s1 }], scenario, []);
    expect(merged.serverTimingUs!.compute.count).toBe(s0.counts.completed + s1.counts.completed);
    expect(merged.serverTimingUs!.queue.p50Us).toBeCloseTo(100, -1);
    const byEndpoint = new Map(merged.replicas!.map((r) => [r.endpoint, r]));
    for (const endpoint of ['http://a:8000', 'http://b:8000']) {
      const parts = [s0, s1].map((s) => s.replicas!.find((r) => r.endpoint === endpoint)!);
      expect(byEndpoint.get(endpoint)!.completed).toBe(parts[0]!.completed + parts[1]!.completed);
      expect(byEndpoint.get(endpoint)!.hitRate).toBeCloseTo(parts[0]!.hitRate!, 10); // same traffic in both shards here
    }
    expect(merged.replicas!.reduce((n, r) => n + r.completed, 0)).toBe(merged.counts.completed);
  });
});
