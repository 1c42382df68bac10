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
 *
 * Each run sits under its own roof: int8-weight runs (the cost model already counts their
 * weights at 1 byte) under the int8 GEMM ceiling when it was measured higher than the fp32 one,
 * and every run's memory slope is the bandwidth its weights stream at (the limits' curve at the
 * largest matrix no larger than its weight bytes per request, as models/limits/roofline.ts
 * takes it): weights that fit in a cache stream faster than from DRAM.
 * A run more than ABOVE_ROOF_TOLERANCE above its roof cannot be: the limits are then reported
 * as not trustworthy, with the reason, instead of a fraction of peak above 100%.
 */
import { bandwidthForWorkingSet, limitsTrustProblems, rooflineLimits, type MachineLimits, type RooflineLimits } from '../harness/results/machine-limits.ts';
import type { RunRow } from './runs.ts';

export type Bound = 'compute' | 'memory';

/** A run this much above its roofline (busy rate / attainable) means the limits are wrong. */
export const ABOVE_ROOF_TOLERANCE = 1.1;

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

/** The int8 roof (weights read at 1 byte, as the cost model counts them): the compute ceiling is the higher of the fp32 and int8 GEMM peaks. */
export function int8Roof(roof: RooflineLimits): RooflineLimits {
  return { ...roof, peakGflopPerS: Math.max(roof.peakGflopPerS, roof.int8PeakGopPerS ?? 0) };
}

/** Whether a run stored int8 weights (its roof is the int8 one). */
export function runsInt8Weights(row: RunRow): boolean {
  return row.variant === 'ugsep-w8a16' || row.run.runtime.weightPrecision.startsWith('int8');
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
  /** busy GB/s over streamingGBPerS (the bandwidth at its working set) */
  busyFractionOfPeakBandwidth: number | null;
  /** busy GFLOP/s over the attainable roof at this intensity */
  fractionOfAttainable: number | null;
  /** the memory slope of this run's roof: the streaming bandwidth at its weights' working set, GB/s; null without limits */
  streamingGBPerS: number | null;
  /** which roof: 'int8' for int8-weight runs, else 'fp32'; null without limits */
  roof: 'fp32' | 'int8' | null;
  /** set when the run sits more than ABOVE_ROOF_TOLERANCE above its roof: "limits not trustworthy: <reason>" */
  limitsDoubt: string | null;
  bound: Bound | null;
  /** GPU memory utilisation: only ever read from a driver */
  gpuMemory: string;
}

/** Figures for one run; null when the run carries no cost facts or completed nothing. */
export function deriveFigures(row: RunRow, limits: MachineLimits | undefined): DerivedFigures | null {
  const cost = row.run.cost;
  const meanLatencyS = row.run.latencyUs.overall.meanUs / 1e6;
  if (!cost || !(meanLatencyS > 0)) return null;
  const fp32Roof = rooflineLimits(limits);
  const int8 = runsInt8Weights(row);
  const computeRoof = fp32Roof && int8 ? int8Roof(fp32Roof) : fp32Roof;
  const roof = computeRoof && { ...computeRoof, peakGBPerS: bandwidthForWorkingSet(computeRoof.bandwidthCurve ?? [], cost.weightBytesPerRequest, computeRoof.peakGBPerS) };
  const rps = row.run.throughput.requestsPerS;
  const busyGflopPerS = cost.flopsPerRequest / meanLatencyS / 1e9;
  const busyGBPerS = cost.bytesPerRequest / meanLatencyS / 1e9;
  const intensity = cost.flopsPerRequest / cost.bytesPerRequest;
  const fractionOfAttainable = roof ? busyGflopPerS / attainableGflopPerS(roof, intensity) : null;
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
    fractionOfAttainable,
    bound: roof ? boundOf(roof, intensity) : null,
    streamingGBPerS: roof ? roof.peakGBPerS : null,
    roof: roof ? (int8 ? 'int8' : 'fp32') : null,
    limitsDoubt: fractionOfAttainable !== null && limits && fractionOfAttainable > ABOVE_ROOF_TOLERANCE ? aboveRoofDoubt(fractionOfAttainable, limits) : null,
    gpuMemory: gpuMemoryText(row, limits),
  };
}

function aboveRoofDoubt(fraction: number, limits: MachineLimits): string {
  const why = limitsTrustProblems(limits);
  const cause = why.length > 0 ? why.join('; ') : `measured ${limits.measuredAt} at load average ${limits.loadAverage1m.toFixed(2)}, probably while other work ran`;
  return `limits not trustworthy: the run is at ${(fraction * 100).toFixed(0)}% of its roofline (more than ${((ABOVE_ROOF_TOLERANCE - 1) * 100).toFixed(0)}% above it), so the limits are below what this machine does (${cause}); run \`ugbench limits --remeasure\` on a quiet machine`;
}

function gpuMemoryText(row: RunRow, limits: MachineLimits | undefined): string {
  if (row.run.runtime.provider === 'cpu' || row.results.machine.gpus.length === 0) return 'not available (no GPU)';
  if (limits?.gpuMemoryUtilisation) return `${(limits.gpuMemoryUtilisation.usedFraction * 100).toFixed(1)}% (${limits.gpuMemoryUtilisation.source})`;
  return 'not available (no driver reading)';
}
