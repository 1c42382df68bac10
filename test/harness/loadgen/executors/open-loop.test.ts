import { describe, expect, it } from 'vitest';
import { HrClock, SimulatedClock } from '../../../../harness/loadgen/clock.ts';
import { summarize } from '../../../../harness/loadgen/histogram.ts';
import { measure } from '../../../../harness/loadgen/measure.ts';
import { parseScenario } from '../../../../harness/scenario/load.ts';
import { createNullSut } from '../../../../harness/loadgen/null-sut.ts';
import { createSimulatedSut } from '../../../../harness/loadgen/simulated-sut.ts';
import { COMPLETED_NO_CACHE, type SystemUnderTest } from '../../../../harness/loadgen/sut.ts';
import { buildPlan } from '../../../../harness/loadgen/traffic/plan.ts';

// 100 requests/s, evenly spaced: one every 10 ms; 1 s warm-up, 10 s measured.
function scenario(inFlightLimit = 1024, arrivals: object = { process: 'constant', rateQps: 100 }) {
  return parseScenario({ name: 't', traffic: { arrivals, inFlightLimit }, run: { warmupS: 1, durationS: 10, minQueries: 10 } }, 'test');
}

const STALL_INDEX = 600; // 5 s into the measured window
const STALL_US = 300_000;

describe('open-loop executor', () => {
  it('counts queueing behind a stalled request in latency (from the scheduled start)', async () => {
    const s = scenario();
    const plan = buildPlan(s);
    const run = async (stall: boolean) => {
      const clock = new SimulatedClock();
      const sut = createSimulatedSut({ clock, serviceUs: (q) => (stall && q.index === STALL_INDEX ? STALL_US : 2000) });
      return measure({ scenario: s, plan, sut, clock });
    };
    const calm = await run(false);
    const stalled = await run(true);
    const calmLatency = summarize(calm.recorder.overall);
    const stalledLatency = summarize(stalled.recorder.overall);
    expect(calm.recorder.counts.completed).toBe(1000);
    expect(stalled.recorder.counts.completed).toBe(1000);
    expect(calmLatency.maxUs).toBeLessThan(2100); // 2 ms service, never queued
    // 30 requests arrive during the 300 ms stall; the first waits ~290 ms, the rest less
    expect(stalledLatency.p99Us / calmLatency.p99Us).toBeGreaterThan(50);
    expect(stalledLatency.maxUs).toBeGreaterThan(STALL_US - 10_000);
    // issued on time: the queue is inside the system under test, so no late starts
    expect(stalled.recorder.counts.lateStarts).toBe(0);
  });

  it('counts late starts when the system under test blocks the generator', async () => {
    const s = scenario();
    const plan = buildPlan(s);
    const clock = new SimulatedClock();
    // a synchronous runtime: the stall happens inside issue(), before the generator gets control back
    const sut: SystemUnderTest = {
      issue(q) {
        clock.advanceUs(q.index === STALL_INDEX ? STALL_US : 2000);
        return Promise.resolve(COMPLETED_NO_CACHE);
      },
    };
    const record = await measure({ scenario: s, plan, sut, clock });
    const late = record.recorder.counts.lateStarts;
    expect(late).toBeGreaterThanOrEqual(29); // the ~30 arrivals due during the stall
    expect(late).toBeLessThan(40);
    expect(summarize(record.recorder.issueDelay).maxUs).toBeGreaterThan(STALL_US - 12_000);
    expect(summarize(record.recorder.overall).p99Us).toBeGreaterThan(100_000);
  });

  it('drops (and counts) requests due while the in-flight limit is reached', async () => {
    const s = scenario(5);
    const clock = new SimulatedClock();
    const plan = buildPlan(s);
    // a single-file SUT: during the stall requests pile up, and past 5 in flight new ones are dropped
    const serial = createSimulatedSut({ clock, parallel: 1, serviceUs: (q) => (q.index === STALL_INDEX ? STALL_US : 2000) });
    const record = await measure({ scenario: s, plan, sut: serial, clock });
    const c = record.recorder.counts;
    expect(c.dropped).toBeGreaterThan(20);
    expect(c.issued + c.dropped).toBe(c.planned);
    expect(c.completed).toBe(c.issued);
  });

  it('on abort stops issuing, keeps what was measured and counts the rest as not issued', async () => {
    const s = scenario();
    const plan = buildPlan(s);
    const clock = new SimulatedClock();
    const controller = new AbortController();
    const sut = createSimulatedSut({ clock, serviceUs: () => 2000 });
    const record = await measure({
      scenario: s,
      plan,
      sut,
      clock,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 200) controller.abort();
      },
    });
    const c = record.recorder.counts;
    expect(record.aborted).toBe(true);
    expect(c.completed).toBeGreaterThanOrEqual(200);
    expect(c.completed + c.notIssued).toBe(c.planned);
  });

  it('runs the real clock with the null SUT and accounts for every planned request', async () => {
    const s = scenario(1024, { process: 'poisson', rateQps: 2000 });
    const short = { ...s, run: { ...s.run, warmupS: 0.1, durationS: 0.5 } };
    const plan = buildPlan(short);
    const record = await measure({ scenario: short, plan, sut: createNullSut(), clock: new HrClock() });
    const c = record.recorder.counts;
    expect(c.issued + c.dropped).toBe(c.planned);
    expect(c.completed).toBe(c.issued);
    expect(record.recorder.overall.totalCount).toBe(c.completed);
    expect(record.measuredUs).toBeGreaterThanOrEqual(0.5e6 - 1e-3);
  });
});

describe('closed-loop and offline executors', () => {
  it('closed loop keeps `concurrency` requests outstanding and measures from issue', async () => {
    const s = scenario(1024, { process: 'closed', concurrency: 4 });
    const plan = buildPlan(s);
    const clock = new SimulatedClock();
    const sut = createSimulatedSut({ clock, parallel: 2, serviceUs: () => 1000 });
    const record = await measure({ scenario: s, plan, sut, clock });
    // 2 servers x 1 ms for 10 s = 20000 completions; each waits for one ahead of it: 2 ms latency
    expect(record.kind).toBe('closed');
    expect(Math.abs(record.recorder.counts.completed - 20000)).toBeLessThanOrEqual(4);
    expect(summarize(record.recorder.overall).p50Us).toBe(2000);
  });

  it('offline issues the whole batch at once; throughput follows the SUT', async () => {
    const s = scenario(1024, { process: 'offline', queries: 500 });
    const plan = buildPlan(s);
    const clock = new SimulatedClock();
    const sut = createSimulatedSut({ clock, parallel: 5, serviceUs: () => 1000 });
    const record = await measure({ scenario: s, plan, sut, clock });
    expect(record.recorder.counts.completed).toBe(500);
    expect(record.measuredUs).toBe(100_000); // 500 queries / 5 servers x 1 ms
  });
});
