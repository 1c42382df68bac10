/**
 * The peak rate a service-time distribution allows under a p99 SLO. The model is a FIFO queue
 * with Poisson arrivals and `servers` identical servers. Service times are drawn from the
 * measured distribution, and the answer is found by simulation and bisection on the rate.
 *
 * Why the sweep needs it: a fixed latency SLO leaves a variant queueing headroom of
 * (SLO - its own tail service time). A faster variant with a shorter tail therefore runs at a
 * higher utilisation. Its peak ratio over a slower variant exceeds their mean service-time ratio
 * whenever the SLO is tight against the slower tail. This model turns each variant's measured
 * service times into the peak ratio that effect alone predicts. A measured peak ratio near it is
 * explained by service times; one far from it points at noise or overhead.
 */
import { Rng } from '../../rng.ts';
import { createLatencyHistogram, decodeHistogram, valueAtPercentileUs } from '../../loadgen/histogram.ts';
import type { RunResult } from '../contract.ts';

/** Quantiles drawn from a service-time histogram: enough that the p99 tail is resolved. */
const QUANTILES = 2000;

export interface QueueModelOptions {
  /** requests per simulated rate (after a tenth more as warm-up); default 100000 (the M/M/1 p99 within 3%) */
  requests?: number;
  /** bisection steps; default 24 */
  steps?: number;
  seed?: number;
}

/** p99 sojourn time (wait + service), µs, of `requests` Poisson arrivals at `rateQps` onto `servers` FIFO servers. */
export function simulatedP99Us(serviceUs: readonly number[], servers: number, rateQps: number, options: QueueModelOptions = {}): number {
  const rng = new Rng(options.seed ?? 1);
  const measured = options.requests ?? 100_000;
  const warmup = Math.ceil(measured / 10);
  const freeAtUs = new Array<number>(servers).fill(0);
  const sojournUs: number[] = [];
  let arrivalUs = 0;
  for (let i = 0; i < warmup + measured; i++) {
    arrivalUs += rng.exponential(1e6 / rateQps);
    // the server free first takes the head of the queue (FIFO)
    let k = 0;
    for (let j = 1; j < servers; j++) if (freeAtUs[j]! < freeAtUs[k]!) k = j;
    const startUs = Math.max(arrivalUs, freeAtUs[k]!);
    freeAtUs[k] = startUs + serviceUs[Math.floor(rng.uniform() * serviceUs.length)]!;
    if (i >= warmup) sojournUs.push(freeAtUs[k]! - arrivalUs);
  }
  sojournUs.sort((a, b) => a - b);
  return sojournUs[Math.min(sojournUs.length - 1, Math.ceil(0.99 * sojournUs.length) - 1)]!;
}

/**
 * Highest rate (req/s) whose simulated p99 stays within `sloP99Us`, or 0 when even an idle queue
 * misses it (the service tail alone is over the SLO). Bisection between 0 and the servers'
 * capacity (servers / mean service time); one seed for every rate, so the curve is monotone
 * up to sampling.
 */
export function modelPeakQps(serviceUs: readonly number[], servers: number, sloP99Us: number, options: QueueModelOptions = {}): number {
  if (serviceUs.length === 0) throw new RangeError('queue model: no service times');
  const meanUs = serviceUs.reduce((a, b) => a + b, 0) / serviceUs.length;
  let low = 0;
  let high = (servers * 1e6) / meanUs;
  for (let i = 0; i < (options.steps ?? 24); i++) {
    const mid = (low + high) / 2;
    if (simulatedP99Us(serviceUs, servers, mid, options) <= sloP99Us) low = mid;
    else high = mid;
  }
  return low;
}

/**
 * The runs' measured service times (their `service` histograms merged) as QUANTILES equally
 * likely values; empty when no run carries a service histogram.
 */
export function serviceQuantilesUs(runs: readonly RunResult[]): number[] {
  const merged = createLatencyHistogram();
  for (const run of runs) {
    const encoded = run.histograms.sutTimings?.service;
    if (encoded) merged.add(decodeHistogram(encoded));
  }
  if (merged.totalCount === 0) return [];
  return Array.from({ length: QUANTILES }, (_, i) => valueAtPercentileUs(merged, ((i + 0.5) / QUANTILES) * 100));
}
