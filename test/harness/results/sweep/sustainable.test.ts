/**
 * The sweep's sustainability rule (harness/results/sweep/sustainable.ts): each named reason,
 * its boundary on both sides, and the strict-majority rule over repeats.
 */
import { describe, expect, it } from 'vitest';
import { requiredSamples } from '../../../../harness/results/percentile-bound.ts';
import { judgeRepeats, judgeSustained, owedRequests, type SustainReason } from '../../../../harness/results/sweep/sustainable.ts';
import { makeRun } from '../results-fixture.ts';

const RULE = { sloP99Ms: 1 };
const codes = (r: SustainReason[]) => r.map((x) => x.code);
// 1000 requests of exactly 1 ms (an HDR value recorded exactly), achieved 100 req/s
const base = { variant: 'ugsep', latenciesUs: Array<number>(1000).fill(1000), rps: 100 };

describe('sustainability rule: one run', () => {
  it('a valid run at the SLO, at 90% of target and at 0.1% loss is sustained (boundaries pass)', () => {
    const run = makeRun({ ...base, rps: 90, dropped: 1 });
    expect(judgeSustained(run, 100, RULE)).toEqual([]);
  });

  it('invalid: a run the judge found invalid is not sustained, whatever its latency', () => {
    const run = makeRun({ ...base, status: 'invalid' });
    const reasons = judgeSustained(run, 100, RULE);
    expect(codes(reasons)).toEqual(['invalid']);
    expect(reasons[0]!.text).toContain('minimum 100');
  });

  it('slo: p99 just over the objective fails; the text is the judge\'s', () => {
    const reasons = judgeSustained(makeRun(base), 100, { sloP99Ms: 0.999 });
    expect(codes(reasons)).toEqual(['slo']);
    expect(reasons[0]!.text).toMatch(/^SLO missed: p99 1\.00 ms > SLO 0\.999 ms/);
  });

  it('slo: dropped requests count as unbounded latency (more than 1% dropped fails the p99)', () => {
    const reasons = judgeSustained(makeRun({ ...base, dropped: 20 }), 100, { ...RULE, maxLossRatio: 0.5 });
    expect(codes(reasons)).toEqual(['slo']);
    expect(reasons[0]!.text).toContain('unbounded');
  });

  it('behind: achieved just under 90% of the target fails; the ratio is a setting', () => {
    expect(codes(judgeSustained(makeRun({ ...base, rps: 89.9 }), 100, RULE))).toEqual(['behind']);
    expect(codes(judgeSustained(makeRun({ ...base, rps: 89.9 }), 100, { ...RULE, minAchievedRatio: 0.8 }))).toEqual([]);
  });

  it('lost: just over 0.1% dropped or failed fails', () => {
    expect(codes(judgeSustained(makeRun({ ...base, dropped: 1, errored: 1 }), 100, RULE))).toEqual(['lost']);
    expect(codes(judgeSustained(makeRun({ ...base, errored: 1 }), 100, RULE))).toEqual([]);
  });

  it('several reasons at once are all named, in rule order', () => {
    const run = makeRun({ ...base, rps: 10, dropped: 30, status: 'invalid' });
    expect(codes(judgeSustained(run, 100, RULE))).toEqual(['invalid', 'slo', 'behind', 'lost']);
  });
});

describe('sustainability rule: repeats (strict majority)', () => {
  const fail: SustainReason[] = [{ code: 'slo', text: 'SLO missed: p99 9 ms > SLO 1 ms' }];
  it('2 of 3 sustained is sustained; 1 of 3, 1 of 2 and 0 of 0 are not', () => {
    expect(judgeRepeats([[], fail, []])).toMatchObject({ sustained: true, passed: 2, repeats: 3, reasons: [] });
    const one = judgeRepeats([fail, [], fail]);
    expect(one).toMatchObject({ sustained: false, passed: 1, repeats: 3 });
    expect(one.reasons.map((r) => r.code)).toEqual(['majority', 'slo']); // the same reason once
    expect(one.reasons[0]!.text).toBe('1 of 3 repeats sustained (a strict majority must be)');
    expect(judgeRepeats([[], fail]).sustained).toBe(false); // a tie is not a majority
    expect(judgeRepeats([]).sustained).toBe(false); // no measurement is no pass
    expect(judgeRepeats([[]]).sustained).toBe(true);
  });

  it('unsupported: a majority whose repeats together hold fewer requests than a p99 bound needs is not sustained', () => {
    const needed = requiredSamples(99); // 459 at 99% confidence
    expect(judgeRepeats([[], [], fail], [153, 153, 153]).sustained).toBe(true); // 459: just enough
    const short = judgeRepeats([[], [], fail], [153, 153, 152]);
    expect(short.sustained).toBe(false);
    expect(short.reasons.map((r) => r.code)).toEqual(['unsupported']);
    expect(short.reasons[0]!.text).toContain(`p99 n=${needed - 1}: too few, needs ${needed}`);
    // requests owed an answer include dropped and failed ones
    expect(owedRequests(makeRun({ ...base, dropped: 3, errored: 2 }))).toBe(1005);
  });
});
