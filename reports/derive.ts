/**
 * Derived figures per run: achieved GFLOP/s and GB/s against this machine's measured limits,
 * arithmetic intensity and which roofline bound the run sits under. Pure functions of the
 * results rows and the limits JSON.
 *
 * Two achieved rates are reported, because an open-loop run at a modest rate does far less work
 * per second than the machine can:
 * - throughput-based (results' cost.achieved*): FLOPs per request x completed requests per second,
 *   i.e. what the offered load asked for;
 * - busy-time (the roofline point): FLOPs per request / mean latency, the compute rate while a
 *   request is in service (with queueing included in latency it is a lower bound).
 */
import type { MachineLimits } from '../harness/results/machine-limits.ts';
import type { RunRow } from './runs.ts';

export type Bound = 'compute' | 'memory';

export interface RooflineLimits {
  peakGflopPerS: number;
  peakGBPerS: number;
}

/** FLOP/byte where the roofs meet: below it a kernel is memory-bound, above it compute-bound. */
export function ridgePointFlopPerByte(limits: RooflineLimits): number {
  return limits.peakGflopPerS / limits.peakGBPerS;
}

/** Attainable GFLOP/s at an arithmetic intensity: min(peak compute, intensity x bandwidth). */
export function attainableGflopPerS(limits: RooflineLimits, intensityFlopPerByte: number): number {
  return Math.min(limits.peakGflopPerS, intensityFlopPerByte * limits.peakGBPerS);
}

export function boundOf(limits: RooflineLimits, intensityFlopPerByte: number): Bound {
  return intensityFlopPerByte < ridgePointFlopPerByte(limits) ? 'memory' : 'compute';
}

/** The limits as roofline numbers, or null when the GEMM ceiling was not measured. */
export function rooflineLimits(limits: MachineLimits | undefined): RooflineLimits | null {
  if (!limits || limits.gemm.peakGflopPerS === null) return null;
  return { peakGflopPerS: limits.gemm.peakGflopPerS, peakGBPerS: limits.bandwidth.peakGBPerS };
}

export interface DerivedFigures {
  series: string;
  variant: string;
  runtime: string;
  flopsPerRequest: number;
  bytesPerRequest: number;
  arithmeticIntensityFlopPerByte: number;
  /** from throughput (offered load) */
  throughputGflopPerS: number;
  throughputGBPerS: number;
  /** FLOPs per request / mean latency (the roofline point) */
  busyGflopPerS: number;
  busyGBPerS: number;
  /** the following need measured limits; null without them */
  busyFractionOfPeakGflop: number | null;
  busyFractionOfPeakBandwidth: number | null;
  /** busy GFLOP/s over the attainable roof at this intensity */
  fractionOfAttainable: number | null;
  bound: Bound | null;
  /** GPU memory utilisation: only ever read from a driver */
  gpuMemory: string;
}

/** Figures for one run; null when the run carries no cost facts or completed nothing. */
export function deriveFigures(row: RunRow, limits: MachineLimits | undefined): DerivedFigures | null {
  const cost = row.run.cost;
  const meanLatencyS = row.run.latencyUs.overall.meanUs / 1e6;
  if (!cost || !(meanLatencyS > 0)) return null;
  const roof = rooflineLimits(limits);
  const rps = row.run.throughput.requestsPerS;
  const busyGflopPerS = cost.flopsPerRequest / meanLatencyS / 1e9;
  const busyGBPerS = cost.bytesPerRequest / meanLatencyS / 1e9;
  const intensity = cost.flopsPerRequest / cost.bytesPerRequest;
  return {
    series: row.series,
    variant: row.variant,
    runtime: row.runtime,
    flopsPerRequest: cost.flopsPerRequest,
    bytesPerRequest: cost.bytesPerRequest,
    arithmeticIntensityFlopPerByte: intensity,
    throughputGflopPerS: (cost.flopsPerRequest * rps) / 1e9,
    throughputGBPerS: (cost.bytesPerRequest * rps) / 1e9,
    busyGflopPerS,
    busyGBPerS,
    busyFractionOfPeakGflop: roof ? busyGflopPerS / roof.peakGflopPerS : null,
    busyFractionOfPeakBandwidth: roof ? busyGBPerS / roof.peakGBPerS : null,
    fractionOfAttainable: roof ? busyGflopPerS / attainableGflopPerS(roof, intensity) : null,
    bound: roof ? boundOf(roof, intensity) : null,
    gpuMemory: gpuMemoryText(row, limits),
  };
}

function gpuMemoryText(row: RunRow, limits: MachineLimits | undefined): string {
  if (row.run.runtime.provider === 'cpu' || row.results.machine.gpus.length === 0) return 'not available (no GPU)';
  if (limits?.gpuMemoryUtilisation) return `${(limits.gpuMemoryUtilisation.usedFraction * 100).toFixed(1)}% (${limits.gpuMemoryUtilisation.source})`;
  return 'not available (no driver reading)';
}
