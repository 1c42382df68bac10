/**
 * `npm run bench:harness`: how much the load generator itself costs. The null system under test
 * completes every query at once, so its latency (from the scheduled start) is pure harness
 * overhead. Targets: per-request overhead p99 <= 20 µs; achieved rate within 1% of the target.
 * A benchmark, not a test: it prints numbers and exits 0 (1 only if it crashed).
 */
import { HrClock } from '../harness/clock.ts';
import { measure } from '../harness/measure-run.ts';
import { summarize } from '../harness/histogram.ts';
import { parseScenario } from '../harness/scenario/load.ts';
import { createNullSut } from '../harness/sut/null-sut.ts';
import { buildPlan } from '../harness/traffic/plan.ts';

const targetQps = Number(process.env.UGBENCH_HARNESS_QPS ?? 20000);
const durationS = Number(process.env.UGBENCH_HARNESS_DURATION_S ?? 10);

for (const process_ of ['constant', 'poisson'] as const) {
  const scenario = parseScenario(
    {
      name: `harness-${process_}`,
      traffic: { arrivals: { process: process_, rateQps: targetQps }, candidates: { distribution: 'fixed', count: 1 }, lateThresholdUs: 20 },
      cache: { enabled: false },
      run: { warmupS: 1, durationS, minQueries: 1 },
    },
    'bench/harness.ts',
  );
  const plan = buildPlan(scenario);
  const record = await measure({ scenario, plan, sut: createNullSut(), clock: new HrClock() });
  const r = record.recorder;
  const latency = summarize(r.overall);
  const delay = summarize(r.issueDelay);
  const achievedQps = r.counts.completed / (record.measuredUs / 1e6);
  const plannedQps = (plan.count - plan.warmupCount) / scenario.run.durationS; // what the seeded plan asked for
  const ratio = achievedQps / plannedQps;
  const lines = [
    `${process_} arrivals, null SUT, target ${targetQps} req/s for ${durationS} s (plan: ${plannedQps.toFixed(0)} req/s):`,
    `  per-request overhead (scheduled start -> completion): p50 ${latency.p50Us} µs, p99 ${latency.p99Us} µs, p99.9 ${latency.p999Us} µs, max ${latency.maxUs} µs  [target p99 <= 20 µs: ${latency.p99Us <= 20 ? 'met' : 'MISSED'}]`,
    `  issue lateness: p50 ${delay.p50Us} µs, p99 ${delay.p99Us} µs; late starts (> 20 µs) ${r.counts.lateStarts} of ${r.counts.issued}; dropped ${r.counts.dropped}`,
    `  achieved / target rate: ${achievedQps.toFixed(1)} / ${plannedQps.toFixed(1)} = ${ratio.toFixed(4)}  [target within 1%: ${Math.abs(1 - ratio) <= 0.01 ? 'met' : 'MISSED'}]`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
