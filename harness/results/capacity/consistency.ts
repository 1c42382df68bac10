/**
 * The report checks itself: a replica of K instances whose requests each take S of service time
 * cannot serve more than K / S requests per second. The measured peak under the SLO should sit
 * below that bound but not far below it (queueing eats the rest). When the two disagree the
 * report says so instead of printing both side by side:
 * - peak above 1.1 x K / S: the service time is not what limits the replica (it is measured
 *   wrong, or requests run several at a time per instance);
 * - peak below 0.3 x K / S: the knee came from something other than service time (noise on a
 *   shared machine, an SLO close to the service time itself, time spent outside the service timer).
 */

export interface Consistency {
  /** K x 1e6 / mean service µs */
  serviceBoundQps: number;
  /** peak / serviceBoundQps */
  kneeUtilisation: number;
  agrees: boolean;
  text: string;
}

export const MAX_KNEE_UTILISATION = 1.1;
export const MIN_KNEE_UTILISATION = 0.3;

export function checkConsistency(peakQps: number, instances: number, meanServiceUs: number): Consistency {
  const serviceBoundQps = (instances * 1e6) / meanServiceUs;
  const u = peakQps / serviceBoundQps;
  const facts = `peak ${peakQps.toFixed(1)} req/s vs ${instances} instance(s) / mean service ${(meanServiceUs / 1000).toFixed(2)} ms = ${serviceBoundQps.toFixed(1)} req/s (knee at ${(u * 100).toFixed(0)}% of it)`;
  if (u > MAX_KNEE_UTILISATION) return { serviceBoundQps, kneeUtilisation: u, agrees: false, text: `DISAGREE: ${facts}: the peak is above what the service time allows, so service time is not what limits this replica; trust neither until re-measured` };
  if (u < MIN_KNEE_UTILISATION) return { serviceBoundQps, kneeUtilisation: u, agrees: false, text: `DISAGREE: ${facts}: the knee is far below what the service time allows (noise at the knee, an SLO close to the service time, or time outside the service timer); re-run the sweep on a quiet machine` };
  return { serviceBoundQps, kneeUtilisation: u, agrees: true, text: `consistent: ${facts}` };
}
