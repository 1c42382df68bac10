/**
 * Candidate buckets: drawn from the plan's own counts, contiguous, and enough of them for a
 * curve on every shipped scenario; every completion the recorder sees is tagged with its bucket.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bucketOf, candidateBuckets, CANDIDATES_TAG, measuredCandidates } from '../../../harness/loadgen/candidate-buckets.ts';
import { SimulatedClock } from '../../../harness/loadgen/clock.ts';
import { measure } from '../../../harness/loadgen/measure.ts';
import { createSimulatedSut } from '../../../harness/loadgen/simulated-sut.ts';
import { buildPlan } from '../../../harness/loadgen/traffic/plan.ts';
import { loadScenarioFile, parseScenario } from '../../../harness/scenario/load.ts';

const SCENARIOS = resolve(import.meta.dirname, '../../../scenarios');
const MIN_BUCKETS = 6;
const MIN_PER_BUCKET = 20;

function countsPerBucket(values: ArrayLike<number>): Map<string, number> {
  const buckets = candidateBuckets(values);
  const counts = new Map(buckets.map((b) => [b.label, 0]));
  for (let i = 0; i < values.length; i++) {
    const label = bucketOf(buckets, values[i]!).label;
    counts.set(label, counts.get(label)! + 1);
  }
  return counts;
}

describe('candidateBuckets', () => {
  it('is contiguous from the smallest to the largest count, labels lo-hi', () => {
    const values = Array.from({ length: 400 }, (_, i) => 8 + ((i * 37) % 249));
    const buckets = candidateBuckets(values);
    expect(buckets.length).toBe(8);
    expect(buckets[0]!.loCandidates).toBe(8);
    expect(buckets.at(-1)!.hiCandidates).toBe(256);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.loCandidates).toBe(buckets[i - 1]!.hiCandidates + 1);
    for (const b of buckets) expect(b.label).toBe(b.loCandidates === b.hiCandidates ? String(b.loCandidates) : `${b.loCandidates}-${b.hiCandidates}`);
    // outside the plan's range: first and last bucket
    expect(bucketOf(buckets, 1)).toBe(buckets[0]);
    expect(bucketOf(buckets, 10_000)).toBe(buckets.at(-1));
  });

  it('gives one bucket per count when there are few distinct counts, none for no counts', () => {
    expect(candidateBuckets([5, 5, 5]).map((b) => b.label)).toEqual(['5']);
    expect(candidateBuckets([1, 2, 3, 1]).map((b) => b.label)).toEqual(['1', '2', '3']);
    expect(candidateBuckets([])).toEqual([]);
  });

  it('yields >= 6 buckets on every shipped scenario, >= 20 planned requests each where the plan has 120', () => {
    const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    const short: string[] = [];
    for (const f of files) {
      const plan = buildPlan(loadScenarioFile(join(SCENARIOS, f)));
      const values = measuredCandidates(plan);
      const counts = [...countsPerBucket(values).values()];
      expect(counts.length, f).toBeGreaterThanOrEqual(MIN_BUCKETS);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(values.length);
      // six buckets of 20 need 120 measured requests: feed (3 qps x 30 s) and wide (4 qps x 20 s) plan fewer
      if (values.length >= MIN_BUCKETS * MIN_PER_BUCKET) expect(Math.min(...counts), f).toBeGreaterThanOrEqual(MIN_PER_BUCKET);
      else short.push(`${f}: ${values.length} requests, smallest bucket ${Math.min(...counts)}`);
    }
    console.log(`scenarios whose plan is too short for six buckets of ${MIN_PER_BUCKET}: ${short.join('; ') || 'none'}`);
    expect(short.map((s) => s.split(':')[0])).toEqual(['feed.yaml', 'wide.yaml']);
  });
});

describe('the candidates tag', () => {
  it('tags every measured completion with its bucket, and the splits add up to the run', async () => {
    const scenario = parseScenario({ name: 't', traffic: { candidates: { distribution: 'uniform', min: 1, max: 100 }, arrivals: { process: 'constant', rateQps: 200 } }, run: { warmupS: 0.1, durationS: 1, minQueries: 10 } }, 'test');
    const plan = buildPlan(scenario);
    const clock = new SimulatedClock();
    const sut = createSimulatedSut({ clock, serviceUs: (q) => 100 + q.candidates, parallel: 4 });
    const { recorder } = await measure({ scenario, plan, sut, clock });
    const split = recorder.tags.get(CANDIDATES_TAG)!;
    const buckets = candidateBuckets(measuredCandidates(plan));
    expect([...split.keys()].sort()).toEqual(buckets.map((b) => b.label).sort());
    let completed = 0;
    for (const [label, s] of split) {
      const b = buckets.find((x) => x.label === label)!;
      completed += s.completed;
      // mean candidates of the split lies inside its bucket
      expect(s.candidates / s.completed).toBeGreaterThanOrEqual(b.loCandidates);
      expect(s.candidates / s.completed).toBeLessThanOrEqual(b.hiCandidates);
    }
    expect(completed).toBe(recorder.counts.completed);
  });
});
