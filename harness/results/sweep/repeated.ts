/**
 * A sweep that survives noise: every rate the search (search.ts) tries is measured `repeats`
 * times and counts as sustained only when a strict majority of the repeats are
 * (sustainable.ts judgeRepeats). Then the knee: the highest sustained rate, the lowest
 * unsustained one, the resolution the bisection was asked for, and the spread: the band of rates
 * where repeats disagreed, widened to the bracket, so a noisy machine shows as a wide knee instead
 * of a confident wrong one. Pure over `measureOnce`, so it is tested on a simulated system.
 */
import { findPeakQps, type SearchOptions, type SearchResult } from './search.ts';
import { judgeRepeats, type RepeatsVerdict, type SustainReason } from './sustainable.ts';

export interface MeasuredRepeat<R> {
  run: R;
  reasons: SustainReason[];
  /** requests the run owed an answer (its p99 rests on them); absent: not checked */
  owed?: number;
}

export interface RepeatedStep<R> {
  targetQps: number;
  sustainable: boolean;
  reasons: string[];
  verdict: RepeatsVerdict;
  repeats: MeasuredRepeat<R>[];
}

export interface Knee {
  /** highest rate a majority of repeats sustained; null when none */
  peakQps: number | null;
  /** lowest rate a majority of repeats did not sustain; null when never reached */
  firstUnsustainableQps: number | null;
  /** the bisection's stopping rule: (high - low) / low below this */
  resolution: number;
  /** the knee lies in [lowQps, highQps]: the bracket, widened to where repeats disagreed */
  spread: { lowQps: number; highQps: number } | null;
  /** rates at which the repeats did not all agree */
  disagreedAtQps: number[];
}

export interface RepeatedOptions extends SearchOptions {
  /** measurements per rate; default 3 */
  repeats?: number;
  /** called after every repeat (progress lines) */
  onRepeat?: (targetQps: number, repeat: number, reasons: SustainReason[]) => void;
}

export async function sweepWithRepeats<R>(
  measureOnce: (targetQps: number, repeat: number) => Promise<MeasuredRepeat<R>>,
  options: RepeatedOptions,
): Promise<SearchResult<RepeatedStep<R>> & { knee: Knee }> {
  const repeats = options.repeats ?? 3;
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`sweep: expected repeats >= 1, got ${repeats}`);
  const result = await findPeakQps(async (targetQps) => {
    const measured: MeasuredRepeat<R>[] = [];
    for (let i = 0; i < repeats; i++) {
      const m = await measureOnce(targetQps, i);
      options.onRepeat?.(targetQps, i, m.reasons);
      measured.push(m);
    }
    const owed = measured.every((m) => m.owed !== undefined) ? measured.map((m) => m.owed!) : undefined;
    const verdict = judgeRepeats(measured.map((m) => m.reasons), owed);
    return { targetQps, sustainable: verdict.sustained, reasons: verdict.reasons.map((r) => r.text), verdict, repeats: measured };
  }, options);
  return { ...result, knee: kneeOf(result.steps, result.peakQps, result.firstUnsustainableQps, options.relativePrecision ?? 0.05) };
}

export function kneeOf(steps: readonly Pick<RepeatedStep<unknown>, 'targetQps' | 'verdict'>[], peakQps: number | null, firstUnsustainableQps: number | null, resolution: number): Knee {
  const disagreed = steps.filter((s) => s.verdict.passed > 0 && s.verdict.passed < s.verdict.repeats).map((s) => s.targetQps).sort((a, b) => a - b);
  const anyFailed = steps.filter((s) => s.verdict.passed < s.verdict.repeats).map((s) => s.targetQps);
  const anyPassed = steps.filter((s) => s.verdict.passed > 0).map((s) => s.targetQps);
  let spread: Knee['spread'] = null;
  if (peakQps !== null || firstUnsustainableQps !== null) {
    const low = Math.min(peakQps ?? Infinity, firstUnsustainableQps ?? Infinity, ...anyFailed);
    const high = Math.max(firstUnsustainableQps ?? -Infinity, peakQps ?? -Infinity, ...anyPassed);
    spread = { lowQps: low, highQps: high };
  }
  return { peakQps, firstUnsustainableQps, resolution, spread, disagreedAtQps: disagreed };
}
