/**
 * The traffic plan: a pure function (scenario, seed) -> arrivals. Every variant and runtime of a
 * bench replays the same plan, so they are compared on identical traffic: same arrival times,
 * same users in the same order, same candidate counts.
 *
 * Arrays rather than objects: a plan for a null-SUT run at 100k requests/s has millions of
 * entries, and the executor reads them on its hot path.
 */
import { Rng } from '../../rng.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { ExecutorKind } from '../executors/executor.ts';
import { createCandidateSampler } from './candidates.ts';
import { createUserSampler } from './population.ts';

export interface TrafficPlan {
  kind: ExecutorKind;
  arrival: Scenario['traffic']['arrivals']['process'];
  /** total arrivals, warm-up included */
  count: number;
  /** open loop: scheduled start in µs from the run's start (warm-up first); closed/offline: 0 */
  startUs: Float64Array;
  userId: Uint32Array;
  candidates: Uint32Array;
  /** arrivals [0, warmupCount) are warm-up; the rest are measured */
  warmupCount: number;
  warmupUs: number;
  durationUs: number;
  /** forced-hit-rate mode: 1 where the plan meant a returning (cached) user, else 0; otherwise undefined */
  intendedHit?: Uint8Array;
  seed: number;
}

/** Warm-up queries cycled by closed and offline executors during warm-up. */
export const CLOSED_WARMUP_QUERIES = 256;
/** Forced-hit mode: returning users are drawn from this many most recent distinct users. */
export const RETURNING_WINDOW = 32;

export function buildPlan(scenario: Scenario, seed: number = scenario.seed): TrafficPlan {
  const root = new Rng(`${seed}:plan`);
  // Independent streams: changing the candidate distribution leaves arrival times and users alone.
  const timeRng = root.fork('arrivals');
  const userRng = root.fork('users');
  const candidateRng = root.fork('candidates');
  const arrivals = scenario.traffic.arrivals;
  const warmupUs = scenario.run.warmupS * 1e6;
  const durationUs = scenario.run.durationS * 1e6;

  let kind: ExecutorKind;
  let times: number[] | undefined;
  let count: number;
  let warmupCount: number;
  if (arrivals.process === 'poisson' || arrivals.process === 'constant') {
    kind = 'open';
    const meanGapUs = 1e6 / arrivals.rateQps;
    times = [];
    const endUs = warmupUs + durationUs;
    // constant: evenly spaced from t = 0; poisson: exponential gaps with the same mean
    for (let t = arrivals.process === 'constant' ? 0 : timeRng.exponential(meanGapUs); t < endUs; ) {
      times.push(t);
      t += arrivals.process === 'constant' ? meanGapUs : timeRng.exponential(meanGapUs);
    }
    count = times.length;
    warmupCount = lowerBound(times, warmupUs);
  } else {
    kind = arrivals.process === 'closed' ? 'closed' : 'offline';
    warmupCount = scenario.run.warmupS > 0 ? CLOSED_WARMUP_QUERIES : 0;
    count = warmupCount + (arrivals.process === 'closed' ? arrivals.maxQueries : arrivals.queries);
  }

  const startUs = new Float64Array(count);
  if (times) startUs.set(times);
  const userId = new Uint32Array(count);
  const candidates = new Uint32Array(count);
  const nextCandidates = createCandidateSampler(scenario.traffic.candidates);
  for (let i = 0; i < count; i++) candidates[i] = nextCandidates(candidateRng);

  const forced = scenario.cache.enabled ? scenario.cache.forcedHitRate : undefined;
  let intendedHit: Uint8Array | undefined;
  if (forced === undefined) {
    const nextUser = createUserSampler(scenario.traffic.users);
    for (let i = 0; i < count; i++) userId[i] = nextUser.next(userRng);
  } else {
    intendedHit = new Uint8Array(count);
    pickForcedUsers(forced, userRng, userId, intendedHit);
  }
  return { kind, arrival: arrivals.process, count, startUs, userId, candidates, warmupCount, warmupUs, durationUs, intendedHit, seed };
}

/**
 * Forced hit rate h: each request is, with probability h, a returning user drawn from the
 * RETURNING_WINDOW most recently seen distinct users (still cached in any cache of at least
 * that many users), else a user never seen before (a guaranteed miss). The first request is new.
 */
function pickForcedUsers(hitRate: number, rng: Rng, userId: Uint32Array, intendedHit: Uint8Array): void {
  const recent: number[] = [];
  let nextNewUser = 1;
  for (let i = 0; i < userId.length; i++) {
    let id: number;
    if (recent.length > 0 && rng.uniform() < hitRate) {
      const slot = Math.floor(rng.uniform() * recent.length);
      id = recent[slot]!;
      recent.splice(slot, 1);
      intendedHit[i] = 1;
    } else {
      id = nextNewUser++;
      if (recent.length >= RETURNING_WINDOW) recent.shift();
    }
    recent.push(id); // most recent last
    userId[i] = id;
  }
}

function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Facts about the measured part of a plan, for the results file. */
export function describePlan(plan: TrafficPlan): { measuredArrivals: number; warmupArrivals: number; meanCandidates: number; distinctUsers: number } {
  const measured = plan.count - plan.warmupCount;
  let sum = 0;
  const users = new Set<number>();
  for (let i = plan.warmupCount; i < plan.count; i++) {
    sum += plan.candidates[i]!;
    users.add(plan.userId[i]!);
  }
  return { measuredArrivals: measured, warmupArrivals: plan.warmupCount, meanCandidates: measured > 0 ? sum / measured : 0, distinctUsers: users.size };
}
