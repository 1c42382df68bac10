/**
 * Peak sustainable rate search: geometric rate steps until a step is not sustainable, then
 * bisection between the last sustainable and the first unsustainable rate. Pure over a
 * `measure(rate)` function, so it is tested on a simulated system with a known knee and driven
 * by real bench runs in `ugbench sweep`. Every measured step is kept: the curve is the product,
 * the peak is one point of it.
 */

export interface StepOutcome {
  targetQps: number;
  sustainable: boolean;
  /** why not sustainable (empty when sustainable) */
  reasons: string[];
}

export interface SearchOptions {
  /** first rate tried */
  startQps: number;
  /** factor between rate steps; default 2 */
  growth?: number;
  /** stop bisecting when (high - low) / low is below this; default 0.05 */
  relativePrecision?: number;
  /** most measurements in total; default 14 */
  maxSteps?: number;
  /** never try above this rate */
  maxQps?: number;
  /** never try below this rate (when even the start is unsustainable); default startQps / 64 */
  minQps?: number;
}

export interface SearchResult<T extends StepOutcome> {
  /** highest sustainable rate measured, or null when none was */
  peakQps: number | null;
  /** lowest unsustainable rate measured, or null when every step was sustainable */
  firstUnsustainableQps: number | null;
  /** every step in the order measured */
  steps: T[];
  /** why the search ended */
  stopped: 'converged' | 'max-steps' | 'max-qps' | 'min-qps';
}

export async function findPeakQps<T extends StepOutcome>(measure: (targetQps: number) => Promise<T>, options: SearchOptions): Promise<SearchResult<T>> {
  const growth = options.growth ?? 2;
  const precision = options.relativePrecision ?? 0.05;
  const maxSteps = options.maxSteps ?? 14;
  const maxQps = options.maxQps ?? Infinity;
  const minQps = options.minQps ?? options.startQps / 64;
  if (!(options.startQps > 0) || !(growth > 1)) throw new RangeError('sweep: expected startQps > 0 and growth > 1');
  const steps: T[] = [];
  // highest sustainable and lowest unsustainable rate so far (an object: the closure updates it)
  const b: { low: number | null; high: number | null } = { low: null, high: null };
  const step = async (qps: number): Promise<boolean> => {
    const outcome = await measure(qps);
    steps.push(outcome);
    if (outcome.sustainable) b.low = Math.max(b.low ?? 0, qps);
    else b.high = Math.min(b.high ?? Infinity, qps);
    return outcome.sustainable;
  };
  const done = (stopped: SearchResult<T>['stopped']): SearchResult<T> => ({ peakQps: b.low, firstUnsustainableQps: b.high, steps, stopped });

  // Phase 1: bracket the knee.
  let rate = Math.min(options.startQps, maxQps);
  if (await step(rate)) {
    while (b.high === null) {
      if (steps.length >= maxSteps) return done('max-steps');
      if (rate >= maxQps) return done('max-qps');
      rate = Math.min(rate * growth, maxQps);
      await step(rate);
    }
  } else {
    while (b.low === null) {
      if (steps.length >= maxSteps) return done('max-steps');
      rate /= growth;
      if (rate < minQps) return done('min-qps');
      await step(rate);
    }
  }
  // Phase 2: bisect [low, high].
  for (;;) {
    const { low, high } = b;
    if (low === null || high === null || (high - low) / low <= precision) break;
    if (steps.length >= maxSteps) return done('max-steps');
    await step((low + high) / 2);
  }
  return done('converged');
}
