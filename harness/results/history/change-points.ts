/**
 * Change-point detection over a series of measurements in commit order, after the method of
 * MongoDB's and Apache Otava's performance CI: E-divisive means proposes where a series splits,
 * and a two-sample t-test on a window either side decides whether the split is real.
 *
 * - Proposal: within a segment, the split tau maximising the energy statistic
 *   Q(tau) = m n / (m + n) * (2/(m n) sum|x_i - y_j| - mean|x_i - x_k| - mean|y_j - y_l|)
 *   (absolute differences, exponent 1), with at least `minSegment` points on each side.
 * - The proposal is sharpened to the split within ±minSegment whose windows differ most by t.
 * - Decision: Welch's t-test of the `window` points before tau against the `window` points from
 *   tau on (inside the segment); significant when p < `significance` and the change of the mean
 *   is at least `minRelativeChange`. A significant split is kept and both halves are searched
 *   again (binary segmentation); otherwise the segment has no change.
 * - The newest point cannot be a split with `minSegment` points after it, so it is tested on its
 *   own: a prediction t-test of the last point against the up-to-`window` points before it since
 *   the last change point (t = (x - mean) / (s sqrt(1 + 1/m)), m - 1 degrees of freedom).
 * Values are compared on a log scale, so changes are relative and a 2x slowdown and a 2x speedup
 * weigh the same.
 */
import { meanStats, tTwoSidedP, welch } from '../compare/student-t.ts';

export interface ChangePointOptions {
  /** points each side of a split the t-test uses; default 10 */
  window?: number;
  /** two-sided p-value below which a change is real; default 0.001 */
  significance?: number;
  /** smallest relative change of the mean to report; default 0 */
  minRelativeChange?: number;
  /** fewest points on each side of a proposed split; default 3 */
  minSegment?: number;
}

export interface ChangePoint {
  /** index of the first point after the change */
  index: number;
  /** geometric means of the windows before and after */
  before: number;
  after: number;
  /** after / before - 1 */
  relative: number;
  p: number;
  /** points the test rested on, before and after */
  countBefore: number;
  countAfter: number;
}

export function resolvedOptions(options: ChangePointOptions = {}): Required<ChangePointOptions> {
  return { window: options.window ?? 10, significance: options.significance ?? 0.001, minRelativeChange: options.minRelativeChange ?? 0, minSegment: options.minSegment ?? 3 };
}

/** Every change point in `values` (positive numbers, commit order), ascending by index. */
export function findChangePoints(values: readonly number[], options: ChangePointOptions = {}): ChangePoint[] {
  const o = resolvedOptions(options);
  const logs = values.map(Math.log);
  const found: ChangePoint[] = [];
  const search = (start: number, end: number) => {
    const proposed = bestSplit(logs, start, end, o.minSegment);
    if (proposed === undefined) return;
    const tau = sharpen(logs, start, proposed, end, o);
    const change = testSplit(logs, start, tau, end, o);
    if (!change) return;
    found.push(change);
    search(start, tau);
    search(tau, end);
  };
  search(0, logs.length);
  found.sort((x, y) => x.index - y.index);
  const newest = testNewest(logs, found.at(-1)?.index ?? 0, o);
  if (newest && !found.some((c) => c.index === newest.index)) found.push(newest);
  return found;
}

/** argmax of the E-divisive energy statistic over splits of [start, end); undefined when too short. */
function bestSplit(x: readonly number[], start: number, end: number, minSegment: number): number | undefined {
  let best: number | undefined;
  let bestQ = -Infinity;
  for (let tau = start + minSegment; tau <= end - minSegment; tau++) {
    const q = energy(x, start, tau, end);
    if (q > bestQ) {
      bestQ = q;
      best = tau;
    }
  }
  return best;
}

function energy(x: readonly number[], start: number, tau: number, end: number): number {
  const m = tau - start;
  const n = end - tau;
  const meanAbs = (from: number, to: number, from2: number, to2: number, same: boolean) => {
    let sum = 0;
    let pairs = 0;
    for (let i = from; i < to; i++) {
      for (let j = same ? i + 1 : from2; j < to2; j++) {
        sum += Math.abs((x[i] as number) - (x[j] as number));
        pairs++;
      }
    }
    return pairs === 0 ? 0 : sum / pairs;
  };
  const between = meanAbs(start, tau, tau, end, false);
  const withinX = meanAbs(start, tau, start, tau, true);
  const withinY = meanAbs(tau, end, tau, end, true);
  return ((m * n) / (m + n)) * (2 * between - withinX - withinY);
}

/**
 * The energy statistic finds the region of a change well but, with absolute differences, can
 * land a point or two off a mean shift; within ±minSegment of its proposal, keep the split whose
 * windows differ most by Welch's t (the statistic that then decides).
 */
function sharpen(x: readonly number[], start: number, proposed: number, end: number, o: Required<ChangePointOptions>): number {
  let best = proposed;
  let bestT = -Infinity;
  for (let tau = Math.max(start + o.minSegment, proposed - o.minSegment); tau <= Math.min(end - o.minSegment, proposed + o.minSegment); tau++) {
    const test = welch(meanStats(x.slice(Math.max(start, tau - o.window), tau)), meanStats(x.slice(tau, Math.min(end, tau + o.window))));
    const t = test ? Math.abs(test.t) : -Infinity;
    if (t > bestT) {
      bestT = t;
      best = tau;
    }
  }
  return best;
}

function testSplit(x: readonly number[], start: number, tau: number, end: number, o: Required<ChangePointOptions>): ChangePoint | undefined {
  const before = x.slice(Math.max(start, tau - o.window), tau);
  const after = x.slice(tau, Math.min(end, tau + o.window));
  const sa = meanStats(before);
  const sb = meanStats(after);
  const test = welch(sa, sb);
  if (!test) return undefined;
  const relative = Math.exp(test.difference) - 1;
  if (!(test.p < o.significance) || Math.abs(relative) < o.minRelativeChange) return undefined;
  return { index: tau, before: Math.exp(sa.mean), after: Math.exp(sb.mean), relative, p: test.p, countBefore: before.length, countAfter: after.length };
}

/** The newest point against the window before it (since `since`, the last change point). */
function testNewest(x: readonly number[], since: number, o: Required<ChangePointOptions>): ChangePoint | undefined {
  const last = x.length - 1;
  const before = x.slice(Math.max(since, last - o.window), last);
  if (before.length < o.minSegment) return undefined;
  const s = meanStats(before);
  const newest = x[last] as number;
  const spread = Math.sqrt(s.variance * (1 + 1 / s.n));
  const p = spread === 0 ? (newest === s.mean ? 1 : 0) : tTwoSidedP((newest - s.mean) / spread, s.n - 1);
  const relative = Math.exp(newest - s.mean) - 1;
  if (!(p < o.significance) || Math.abs(relative) < o.minRelativeChange) return undefined;
  return { index: last, before: Math.exp(s.mean), after: Math.exp(newest), relative, p, countBefore: before.length, countAfter: 1 };
}
