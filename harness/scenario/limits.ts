/**
 * Upper bounds of scenario values, each derived from what the run has to hold or hand to Node.
 * A value the schema accepts must be one the run can carry out as written: never wrapped by a
 * typed array, never a RangeError at allocation, never a plan that takes minutes to build.
 * docs/hardening.md lists them for users.
 */
import { CLOSED_WARMUP_QUERIES } from '../loadgen/traffic/plan.ts';
import type { Scenario } from './schema.ts';

/**
 * Bytes the traffic plan holds per arrival: startUs (f64) + userId (u32) + candidates (u32) +
 * intendedHit (u8), plus the f64 of the open-loop arrival list it is built from.
 */
export const PLAN_BYTES_PER_ARRIVAL = 8 + 4 + 4 + 1 + 8;
/** Memory the plan may take: it is built whole before timing starts. */
export const PLAN_BUDGET_BYTES = 256 * 1024 * 1024;
/** Arrivals (warm-up included) one plan holds: 10,737,418 (about 107 s at 100k requests/s). */
export const MAX_PLAN_ARRIVALS = Math.floor(PLAN_BUDGET_BYTES / PLAN_BYTES_PER_ARRIVAL);
/** Measured queries of a closed or offline plan: the plan also holds its warm-up queries. */
export const MAX_PLAN_QUERIES = MAX_PLAN_ARRIVALS - CLOSED_WARMUP_QUERIES;

/**
 * Candidates in one request. The plan stores counts as u32, but a request is a [N, Fg] float32
 * tensor and the sample library keeps a pool of them: at the largest preset (Fg = 1536) one
 * request of 65,536 candidates is 384 MiB. The model side checks the pool against its own budget.
 */
export const MAX_CANDIDATES_PER_REQUEST = 65_536;
/** Points of a quantile table: the sampler scans the table on every draw. */
export const MAX_QUANTILE_POINTS = 1_024;

/** The longest delay a Node timer takes (2^31 - 1 ms); longer ones fire after 1 ms instead. */
export const MAX_TIMER_MS = 2_147_483_647;
/** warmupS + durationS: the run's end is a timer deadline, so it stays within one timer. */
export const MAX_RUN_S = MAX_TIMER_MS / 1000;

/** Intra-op threads per runtime: far beyond any CPU, so a larger value is a typo. */
export const MAX_THREADS = 1_024;
/** Requests in one dynamic batch: a batch is one [sum of N, Fg] tensor, so the candidate cap bounds it anyway. */
export const MAX_BATCH = 4_096;
/** Longest a request is held for a larger batch: 10 s, far beyond any latency objective. */
export const MAX_QUEUE_DELAY_US = 10_000_000;
/** Requests in flight at once (in-process parallelRequests, open-loop inFlightLimit, server slots). */
export const MAX_IN_FLIGHT = 65_536;
/** HTTP keep-alive connections per endpoint: one client address has at most this many ports. */
export const MAX_CONNECTIONS = 65_535;

/** Arrivals an open-loop plan is expected to hold: the rate over warm-up plus measured time. */
export function expectedOpenArrivals(rateQps: number, warmupS: number, durationS: number): number {
  return rateQps * (warmupS + durationS);
}

type Problem = { path: (string | number)[]; expected: string; got: unknown };

/** Limits that involve several fields: the plan's length and the run's end. */
export function planCapacityProblems(s: Scenario): Problem[] {
  const out: Problem[] = [];
  const { warmupS, durationS } = s.run;
  if (warmupS + durationS > MAX_RUN_S) {
    out.push({ path: ['run', 'durationS'], expected: `expected warmupS + durationS <= ${MAX_RUN_S} (the longest Node timer, in s; warmupS is ${warmupS})`, got: durationS });
  }
  const arrivals = s.traffic.arrivals;
  if (arrivals.process === 'poisson' || arrivals.process === 'constant') {
    const expected = expectedOpenArrivals(arrivals.rateQps, warmupS, durationS);
    if (expected > MAX_PLAN_ARRIVALS) {
      const maxRateQps = Math.floor(MAX_PLAN_ARRIVALS / (warmupS + durationS));
      out.push({
        path: ['traffic', 'arrivals', 'rateQps'],
        expected: `expected rateQps x (warmupS + durationS) <= ${MAX_PLAN_ARRIVALS} arrivals (what one traffic plan holds), i.e. rateQps <= ${maxRateQps} for ${warmupS + durationS} s`,
        got: arrivals.rateQps,
      });
    }
  }
  return out;
}
