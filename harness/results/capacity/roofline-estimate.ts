/**
 * Estimates for model sizes not measured here, from a roofline of this machine (the measured
 * GEMM peak and memory bandwidth, `ugbench limits`), never from a small model's per-request rate.
 *
 *   roof time(model)  = max(FLOPs / replica GFLOP/s, bytes / GB/s)        per request, one instance
 *   efficiency        = roof time(measured) / mean service(measured)      how close the measured
 *                                                                        series ran to the roof
 *   service(target)   = roof time(target) / efficiency                   the same efficiency
 *   peak(target)      = knee utilisation x instances / service(target)   the same queueing margin
 *   bound             = the same with efficiency 1 (the roof itself): the most it could do
 *
 * Refused, with the reason, when the measured series is overhead-bound: it ran below
 * MIN_ROOF_EFFICIENCY of its roof (its time is per-request overhead, which does not grow with
 * FLOPs, so scaling it would multiply overhead), or, where two variants of the measured model
 * differ in FLOPs, its service time grew less than MIN_FLOP_ELASTICITY as fast as the FLOPs.
 */

export interface Roof {
  /** GEMM ceiling measured with `gemmThreads` threads */
  peakGflopPerS: number;
  gemmThreads: number;
  peakGBPerS: number;
}

export interface MeasuredSeries {
  id: string;
  model: string;
  flopsPerRequest: number;
  bytesPerRequest: number;
  meanServiceUs: number;
  instances: number;
  threads: number;
  /** measured peak / (instances / mean service) */
  kneeUtilisation: number;
}

export interface TargetCost {
  flopsPerRequest: number;
  bytesPerRequest: number;
}

export const MIN_ROOF_EFFICIENCY = 0.2;
export const MIN_FLOP_ELASTICITY = 0.5;

/** One instance's roof: the GEMM peak scaled to its threads (assumed linear), its share of the bandwidth. */
export function roofTimeUs(cost: TargetCost, roof: Roof, instances: number, threads: number): number {
  const gflop = roof.peakGflopPerS * Math.min(1, threads / roof.gemmThreads);
  const gb = roof.peakGBPerS / Math.max(1, instances);
  return Math.max(cost.flopsPerRequest / (gflop * 1e9), cost.bytesPerRequest / (gb * 1e9)) * 1e6;
}

/** Why the series cannot be scaled (null: it can). `sibling`: another variant of the same model, for the FLOP-growth check. */
export function overheadBoundReason(m: MeasuredSeries, roof: Roof, sibling?: MeasuredSeries): string | null {
  const roofUs = roofTimeUs(m, roof, m.instances, m.threads);
  const efficiency = roofUs / m.meanServiceUs;
  if (efficiency < MIN_ROOF_EFFICIENCY) {
    return `${m.id} is overhead-bound: its mean service ${(m.meanServiceUs / 1000).toFixed(2)} ms is ${(1 / efficiency).toFixed(0)}x its roofline time ${(roofUs / 1000).toFixed(3)} ms (${(m.flopsPerRequest / 1e6).toFixed(2)} MFLOP at ${roof.peakGflopPerS.toFixed(1)} GFLOP/s): below ${MIN_ROOF_EFFICIENCY * 100}% of the roof its time is per-request overhead that does not grow with FLOPs, so it says nothing about a larger model's compute. Sweep a larger preset (small, wide) to estimate from.`;
  }
  if (sibling && sibling.model === m.model && Math.abs(Math.log(sibling.flopsPerRequest / m.flopsPerRequest)) > Math.log(1.3)) {
    const elasticity = Math.log(sibling.meanServiceUs / m.meanServiceUs) / Math.log(sibling.flopsPerRequest / m.flopsPerRequest);
    if (elasticity < MIN_FLOP_ELASTICITY) {
      return `${m.id} is overhead-bound: between ${m.id} and ${sibling.id} the FLOPs differ ${(sibling.flopsPerRequest / m.flopsPerRequest).toFixed(2)}x but the service time only ${(sibling.meanServiceUs / m.meanServiceUs).toFixed(2)}x (elasticity ${elasticity.toFixed(2)} < ${MIN_FLOP_ELASTICITY}): service time barely grows with FLOPs.`;
    }
  }
  return null;
}

export interface RooflineEstimate {
  serviceUs: number;
  /** at efficiency 1: the fastest the roof allows */
  bestServiceUs: number;
  efficiency: number;
  peakQps: number;
  /** upper bound on the peak (at the roof) */
  peakBoundQps: number;
}

export function rooflineEstimate(m: MeasuredSeries, target: TargetCost, roof: Roof): RooflineEstimate {
  const efficiency = Math.min(1, roofTimeUs(m, roof, m.instances, m.threads) / m.meanServiceUs);
  const bestServiceUs = roofTimeUs(target, roof, m.instances, m.threads);
  const serviceUs = bestServiceUs / efficiency;
  const rate = (us: number) => (Math.min(1, m.kneeUtilisation) * m.instances * 1e6) / us;
  return { serviceUs, bestServiceUs, efficiency, peakQps: rate(serviceUs), peakBoundQps: rate(bestServiceUs) };
}

export function rooflineAssumption(roof: Roof): string {
  return `Estimates, not measurements: per request, time = max(FLOPs / GEMM peak, bytes / bandwidth) on this machine's measured roof (${roof.peakGflopPerS.toFixed(1)} GFLOP/s on ${roof.gemmThreads} threads, scaled linearly to each instance's threads; ${roof.peakGBPerS.toFixed(1)} GB/s shared by the instances), divided by the fraction of that roof the measured series reached, and the knee at the same share of capacity as measured. The bound column is the roof itself (100% efficiency): no configuration of this machine does better. Latency beyond service time (queueing at other loads, batching) is not modelled.`;
}
