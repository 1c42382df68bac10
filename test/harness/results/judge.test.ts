/**
 * The one judge (harness/results/judge.ts): unanswered requests are over every latency limit,
 * validity comes before the SLO and the SLO before thresholds, and exit codes follow.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../harness/loadgen/clock.ts';
import { createLatencyHistogram, recordUs, summarize } from '../../../harness/loadgen/histogram.ts';
import { measure } from '../../../harness/loadgen/measure.ts';
import { createSimulatedSut } from '../../../harness/loadgen/simulated-sut.ts';
import { buildPlan } from '../../../harness/loadgen/traffic/plan.ts';
import { judgeResults, judgeRun, judgeSlo } from '../../../harness/results/judge.ts';
import { thresholdsFromScenario } from '../../../harness/results/gates/source.ts';
import { percentileWithUnansweredUs } from '../../../harness/results/unanswered.ts';
import { parseScenario } from '../../../harness/scenario/load.ts';
import { makeResults, makeRun } from './results-fixture.ts';

function histogramOf(values: number[]) {
  const h = createLatencyHistogram();
  for (const v of values) recordUs(h, v);
  return h;
}

describe('unanswered requests are over every latency limit', () => {
  it('p99 becomes unbounded once more than 1% of requests went unanswered, and not before', () => {
    const h = histogramOf(Array(198).fill(1000));
    expect(percentileWithUnansweredUs(h, 2, 99)).toBe(1000); // 2 of 200 = 1%: rank 198 is still answered
    expect(percentileWithUnansweredUs(h, 3, 99)).toBe(Infinity); // 3 of 201: the p99 rank is unanswered
    expect(percentileWithUnansweredUs(h, 0, 99)).toBe(1000);
    expect(percentileWithUnansweredUs(createLatencyHistogram(), 0, 99)).toBeNull();
  });

  it('an open-loop run that drops requests beyond its tolerance fails its SLO though its completed p99 is under it', async () => {
    // 100 req/s (one every 10 ms), at most 1 in flight: every 10th request takes 15 ms, so the
    // arrival after it finds the SUT busy and is dropped; completed requests all take <= 15 ms
    const s = parseScenario({ name: 't', traffic: { arrivals: { process: 'constant', rateQps: 100 }, inFlightLimit: 1 }, run: { warmupS: 0.5, durationS: 4, minQueries: 10 }, slo: { p99Ms: 50 } }, 'test');
    const clock = new SimulatedClock();
    const sut = createSimulatedSut({ clock, serviceUs: (q) => (q.index % 10 === 0 ? 15_000 : 2000) });
    const record = await measure({ scenario: s, plan: buildPlan(s), sut, clock });
    const counts = record.recorder.counts;
    const completedP99Ms = summarize(record.recorder.overall).p99Us / 1000;
    console.log(`dropped ${counts.dropped} of ${counts.planned}; p99 of completed ${completedP99Ms.toFixed(2)} ms vs SLO 50 ms`);
    expect(counts.dropped / counts.planned).toBeGreaterThan(0.01);
    expect(completedP99Ms).toBeLessThan(50); // the old rule on completed requests alone would pass
    const slo = judgeSlo({ counts, latency: record.recorder.overall }, s.slo)!;
    expect(slo.met).toBe(false);
    expect(slo.reasons!.join()).toContain('unbounded');
    // control: the same run without the stall drops nothing and meets the SLO
    const calmClock = new SimulatedClock();
    const calm = await measure({ scenario: s, plan: buildPlan(s), sut: createSimulatedSut({ clock: calmClock, serviceUs: () => 2000 }), clock: calmClock });
    expect(judgeSlo({ counts: calm.recorder.counts, latency: calm.recorder.overall }, s.slo)!.met).toBe(true);
  });
});

describe('judgeRun / judgeResults', () => {
  const thresholds = thresholdsFromScenario({ thresholds: ['p99_ms < 5'] });

  it('validity first, then SLO, then thresholds; exit 98 beats 99', () => {
    const run = makeRun({ variant: 'ugsep', runtime: 'ort', latenciesUs: Array(100).fill(10_000) });
    const invalid = { ...run, validity: { status: 'invalid' as const, reasons: ['completed queries: expected >= 1000, got 100'] }, slo: { p99Ms: 1, p50Ms: null, met: false, reasons: ['SLO p99: 10.00 ms > 1 ms'] } };
    const verdicts = judgeResults(makeResults([invalid]), thresholds);
    expect(verdicts.exitCode).toBe(98);
    const v = judgeRun(invalid, verdicts.thresholds);
    expect(v.status).toBe('invalid');
    expect(v.reasons.slice(0, 2)).toEqual(['invalid: completed queries: expected >= 1000, got 100', 'SLO p99: 10.00 ms > 1 ms']);
    // exactly 10 ms: a p99 is never above the max (it was 10.007, the top of the max's bucket)
    expect(v.reasons[2]).toBe('threshold p99_ms < 5: value 10');
  });

  it('a missed SLO alone exits 99; a threshold alone exits 99; both held exits 0', () => {
    // 500 requests: enough for a p99 bound (459), so a held p99 threshold is a pass
    const run = makeRun({ variant: 'ugsep', runtime: 'ort', latenciesUs: Array(500).fill(1000) });
    expect(judgeResults(makeResults([run]), thresholds).exitCode).toBe(0);
    const missed = { ...run, slo: { p99Ms: 0.5, p50Ms: null, met: false, reasons: ['SLO p99: 1.00 ms > 0.5 ms'] } };
    expect(judgeResults(makeResults([missed]), []).exitCode).toBe(99);
    const slow = makeRun({ variant: 'ugsep', runtime: 'ort', latenciesUs: Array(100).fill(9000) });
    expect(judgeResults(makeResults([slow]), thresholds).exitCode).toBe(99);
  });

  it('a latency threshold counts dropped requests as unbounded', () => {
    const run = makeRun({ variant: 'ugsep', runtime: 'ort', latenciesUs: Array(100).fill(1000) });
    const dropped = { ...run, counts: { ...run.counts, dropped: 5 } };
    const verdict = judgeResults(makeResults([dropped]), thresholds);
    expect(verdict.thresholds[0]!.value).toBe(Infinity);
    expect(verdict.exitCode).toBe(99);
  });
});
