/**
 * The paired runner (harness/loadgen/paired.ts): the order rotates per request, the seeded
 * sample covers every bucket, every system scores every sampled request once, and a system that
 * consults a cross-request cache is refused.
 */
import { describe, expect, it } from 'vitest';
import { bucketOf, candidateBuckets, measuredCandidates } from '../../../harness/loadgen/candidate-buckets.ts';
import { pairedSampleIndices, rotation, runPaired, type PairedSystem } from '../../../harness/loadgen/paired.ts';
import type { Completion, Query } from '../../../harness/loadgen/sut.ts';
import { buildPlan } from '../../../harness/loadgen/traffic/plan.ts';
import { parseScenario } from '../../../harness/scenario/load.ts';

const scenario = parseScenario(
  { name: 't', traffic: { candidates: { distribution: 'lognormal', median: 64, sigma: 0.5, min: 8, max: 256 }, arrivals: { process: 'poisson', rateQps: 10 } }, run: { warmupS: 3, durationS: 20, minQueries: 10 } },
  'test',
);
const plan = buildPlan(scenario);
const buckets = candidateBuckets(measuredCandidates(plan));

/** A system that logs every query it gets and answers with a service time of `perCandidateUs` x N. */
function loggingSystem(name: string, perCandidateUs: number, log: string[], answer: Partial<Completion> = {}): PairedSystem {
  return {
    name,
    sut: {
      issue(q: Query): Promise<Completion> {
        log.push(`${name}:${q.index}`);
        return Promise.resolve({ status: 'completed', cacheHit: null, timingsUs: { serviceUs: perCandidateUs * q.candidates }, ...answer } as Completion);
      },
    },
  };
}

describe('rotation', () => {
  it('rotates the order left by one per request: A B C, B C A, C A B, A B C', () => {
    expect([0, 1, 2, 3].map((i) => rotation(['A', 'B', 'C'], i).join(' '))).toEqual(['A B C', 'B C A', 'C A B', 'A B C']);
  });
});

describe('pairedSampleIndices', () => {
  it('takes perBucket measured requests from every bucket, seeded, no repeats', () => {
    const indices = pairedSampleIndices(plan, buckets, 10, 7);
    expect(new Set(indices).size).toBe(indices.length);
    for (const i of indices) expect(i).toBeGreaterThanOrEqual(plan.warmupCount);
    const perBucket = new Map<string, number>();
    for (const i of indices) perBucket.set(bucketOf(buckets, plan.candidates[i]!).label, (perBucket.get(bucketOf(buckets, plan.candidates[i]!).label) ?? 0) + 1);
    expect(buckets.length).toBeGreaterThanOrEqual(6);
    for (const b of buckets) expect(perBucket.get(b.label), b.label).toBe(10);
    expect(pairedSampleIndices(plan, buckets, 10, 7)).toEqual(indices);
    expect(pairedSampleIndices(plan, buckets, 10, 8)).not.toEqual(indices);
  });
});

describe('runPaired', () => {
  it('scores each sampled request on every system back to back in the rotating order', async () => {
    const log: string[] = [];
    const systems = [loggingSystem('A', 3, log), loggingSystem('B', 2, log), loggingSystem('C', 1, log)];
    const indices = pairedSampleIndices(plan, buckets, 3, 1);
    const run = await runPaired({ systems, plan, buckets, indices, warmupPerSystem: 0 });
    expect(run.excluded).toEqual([]);
    expect(run.rows.length).toBe(indices.length);
    // the systems' calls, in order: request i's three calls are adjacent, rotated by i
    const expected = indices.flatMap((index, i) => rotation(['A', 'B', 'C'], i).map((n) => `${n}:${index}`));
    expect(log).toEqual(expected);
    for (const [i, row] of run.rows.entries()) {
      expect(row.order).toEqual(rotation(['A', 'B', 'C'], i));
      expect(row.serviceUs).toEqual({ A: 3 * row.candidates, B: 2 * row.candidates, C: row.candidates });
      expect(row.bucket).toBe(bucketOf(buckets, row.candidates).label);
    }
  });

  it('warms every system up before the first pair, untimed', async () => {
    const log: string[] = [];
    const indices = pairedSampleIndices(plan, buckets, 2, 1);
    await runPaired({ systems: [loggingSystem('A', 1, log), loggingSystem('B', 1, log)], plan, buckets, indices, warmupPerSystem: 2 });
    expect(log.slice(0, 4)).toEqual([`A:${indices[0]}`, `A:${indices[1]}`, `B:${indices[0]}`, `B:${indices[1]}`]);
    expect(log.length).toBe(4 + 2 * indices.length);
  });

  it('leaves out a request a system errored on or gave no service time for, saying why', async () => {
    const indices = pairedSampleIndices(plan, buckets, 1, 1);
    const failing: PairedSystem = { name: 'F', sut: { issue: () => Promise.resolve({ status: 'errored', cacheHit: null, error: 'boom' }) } };
    const run = await runPaired({ systems: [loggingSystem('A', 1, []), failing], plan, buckets, indices, warmupPerSystem: 0 });
    expect(run.rows).toEqual([]);
    expect(run.excluded[0]!.reason).toBe('F: boom');
    const silent = loggingSystem('S', 1, [], { timingsUs: {} });
    const run2 = await runPaired({ systems: [loggingSystem('A', 1, []), silent], plan, buckets, indices, warmupPerSystem: 0 });
    expect(run2.excluded[0]!.reason).toBe('S: reported no service time');
  });

  it('refuses a system that consulted a cross-request cache (the paired phase bypasses it)', async () => {
    const cached = loggingSystem('U', 1, [], { cacheHit: true });
    await expect(runPaired({ systems: [loggingSystem('A', 1, []), cached], plan, buckets, indices: [plan.warmupCount], warmupPerSystem: 0 })).rejects.toThrow(/consulted a cross-request cache/);
  });
});
