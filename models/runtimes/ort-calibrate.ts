/**
 * `int8Kernel: auto`: at load time, for the user graph and for the group graph at each
 * candidate-count range, the fastest int8 kernel whose max relative score error against the
 * W8A16 reference graph stays within a bound. Deterministic in what it compares (fixed
 * synthetic calibration requests); the times are medians of a few runs on this machine, which
 * is why the plan is cached per machine fingerprint (ort-kernel-cache.ts).
 *
 * Ranges: the group graph is timed and checked at the upper end of each range (N = 1, 4, 16,
 * 64, 256 by default: ranges 1, 2-4, 5-16, 17-64, 65+); max over more candidates is the
 * conservative end for the error, and the last range is checked at its representative N only.
 */
import { buildGroupGraph, buildUserGraph, INPUT_GROUP, INPUT_USER, OUTPUT_SCORES, type BuiltGraph } from '../onnx/graphs.ts';
import type { GraphOptions, Int8Kernel } from '../onnx/options.ts';
import { syntheticRequest } from '../requests.ts';
import type { ModelWeights } from '../weights/layout.ts';
import type { OrtModule } from './ort-providers.ts';
import type * as OrtTypes from 'onnxruntime-node';

type Session = OrtTypes.InferenceSession;
type Tensor = OrtTypes.Tensor;

/**
 * Max relative score error against the W8A16 reference that `auto` accepts, by default. The
 * bound applied at each N is never above EFFECT_FRACTION of the int8 effect measured there at
 * calibration (the fp32 graph's error against the same reference), so a kernel that passes is at
 * least twice as close to W8A16 as fp32 is, and the fp32 graph (the negative control) fails it.
 */
export const DEFAULT_ACCURACY_BOUND = 5e-3;
export const EFFECT_FRACTION = 0.5;
export const DEFAULT_CALIBRATION_CANDIDATES = [1, 4, 16, 64, 256];
/**
 * What auto tries: only W8A16 kernels (activations 16-bit or wider). The W8A8 kernels
 * (matmulnbits-bB, qdq, dynamic) quantize activations to 8 bits; their error is as large as the
 * int8 effect itself, so they are explicit, labelled choices only. strict is left out: its
 * accuracy-level-1 MatMulNBits dequantizes the whole matrix at every call (20x slower than fp32).
 */
export const AUTO_CANDIDATES: readonly Int8Kernel[] = ['hilo-b128', 'hilo-b32', 'dequant-fp32'];
/** Changes whenever what calibration measures changes: cached plans of another version are stale. */
export const CALIBRATION_VERSION = 5;
/** Calibration requests per point (distinct users): the error is the max over all of them. */
const CALIBRATION_USERS = 2;
/** a candidate whose first timed run is this much slower than the fastest is not timed further */
const PRUNE_FACTOR = 2;
/** another kernel must be this much faster than dequant-fp32 (exact, fp32 speed) to be chosen over it */
const SAFE_MARGIN = 1.05;
/** timed rounds per point, and the time after which no round beyond the third starts */
const ROUNDS = 5;
const ROUND_BUDGET_MS = 600;

export interface CalibrationPoint {
  graph: 'user' | 'group';
  kernel: Int8Kernel;
  /** candidates per request (the user graph is timed at R = 1 and checked at the largest point) */
  candidates: number;
  /** median service time of that graph; for a pruned candidate its one run */
  medianUs: number;
  runs: number;
  /** max relative score error against the W8A16 reference over the calibration requests (NaN: pruned, not checked);
   *  for the user graph, at the point (candidates) where it came closest to its bound */
  maxRelError: number;
  /** the bound at this point: min(configured, EFFECT_FRACTION x the int8 effect at this N) */
  bound: number;
  withinBound: boolean;
  pruned: boolean;
}

export interface KernelRange {
  /** inclusive */
  fromN: number;
  /** inclusive; null = no upper end */
  toN: number | null;
  kernel: Int8Kernel;
}

export interface KernelPlan {
  userKernel: Int8Kernel;
  groupRanges: KernelRange[];
  /** the strictest bound applied: min(the configured bound, EFFECT_FRACTION x int8EffectRelError);
   *  each point is held to its own N's bound (CalibrationPoint.bound) */
  accuracyBound: number;
  /** the configured bound (default DEFAULT_ACCURACY_BOUND) */
  configuredBound: number;
  /** the int8 effect where it is smallest: the fp32 graphs' max relative score error against the
   *  W8A16 reference at the N where that error is least; the negative control, which exceeds every bound */
  int8EffectRelError: number;
  /** what was measured: every (graph, kernel, N) tried */
  points: CalibrationPoint[];
  calibrationS: number;
  /** candidate counts the group graph was checked at; calibration requests per point */
  calibrationCandidates: number[];
  calibrationUsers: number;
}

export interface CalibrationContext {
  ort: OrtModule;
  weights: ModelWeights;
  /** creates a session for a graph with the runtime's settings */
  createSession: (graph: BuiltGraph) => Promise<Session>;
  accuracyBound: number;
  candidates?: number[];
  kernels?: readonly Int8Kernel[];
  graphOptions: GraphOptions;
}

interface Sample {
  user: Tensor;
  group: Tensor;
  N: number;
}

/** Pick the user kernel, then the group kernel per range, with the user kernel in place. */
export async function calibrateKernels(ctx: CalibrationContext): Promise<KernelPlan> {
  const started = performance.now();
  const { weights } = ctx;
  const points = ctx.candidates ?? DEFAULT_CALIBRATION_CANDIDATES;
  const kernels = ctx.kernels ?? AUTO_CANDIDATES;
  const samples = calibrationSamples(ctx, points);
  const graph = (role: 'user' | 'group', kernel: Int8Kernel | 'reference'): BuiltGraph => {
    const options = kernel === 'reference' ? { ...ctx.graphOptions, w8a16Reference: true } : { ...ctx.graphOptions, int8Kernel: kernel };
    return role === 'user' ? buildUserGraph(weights, 'ugsep-w8a16', options) : buildGroupGraph(weights, 'ugsep-w8a16', options);
  };
  const refUser = await ctx.createSession(graph('user', 'reference'));
  const refGroup = await ctx.createSession(graph('group', 'reference'));
  const userStates = async (session: Session, list: Sample[]): Promise<Array<Record<string, Tensor>>> =>
    Promise.all(list.map(async (x) => (await session.run({ [INPUT_USER]: x.user })) as Record<string, Tensor>));
  const scores = async (group: Session, state: Record<string, Tensor>, x: Sample): Promise<Float32Array> =>
    (await group.run({ [INPUT_GROUP]: x.group, ...state }))[OUTPUT_SCORES]!.data as Float32Array;
  const reference = new Map<number, Float32Array[]>();
  for (const [N, list] of samples) {
    const states = await userStates(refUser, list);
    reference.set(N, await Promise.all(list.map((x, i) => scores(refGroup, states[i]!, x))));
  }
  const errorOf = (N: number, got: Float32Array[]): number => Math.max(...got.map((g, i) => maxRelError(g, reference.get(N)![i]!)));
  // The int8 effect at each N (the fp32 graph's error there) sets that N's bound, as a request's
  // own effect sets its bound in bench:kernels: a kernel must be close to W8A16 where int8 changes
  // the scores least, not only on average.
  const effectByN = await fp32Errors(ctx, samples, errorOf);
  const boundAt = (N: number): number => Math.min(ctx.accuracyBound, EFFECT_FRACTION * effectByN.get(N)!);
  const bound = Math.min(...points.map(boundAt));
  const int8Effect = Math.min(...effectByN.values());

  // User graph: timed alone (R = 1); its error checked end to end at every point with the reference group graph, each against that point's bound.
  const largest = Math.max(...points);
  const userSessions = await sessionsOf(ctx, kernels, (k) => graph('user', k));
  const userList = samples.get(largest)!;
  const userTimes = await interleavedMedians(userSessions, (session) => session.run({ [INPUT_USER]: userList[0]!.user }));
  const userPoints: CalibrationPoint[] = [];
  for (const [kernel, session] of userSessions) {
    const timing = userTimes.get(kernel)!;
    let worst = { error: NaN, ratio: 0, N: largest };
    if (!timing.pruned) {
      for (const [N, list] of samples) {
        const states = await userStates(session, list);
        const error = errorOf(N, await Promise.all(list.map((x, i) => scores(refGroup, states[i]!, x))));
        if (!(error / boundAt(N) <= worst.ratio)) worst = { error, ratio: error / boundAt(N), N };
      }
    }
    userPoints.push({ graph: 'user', kernel, candidates: worst.N, ...timing, maxRelError: worst.error, bound: boundAt(worst.N), withinBound: !timing.pruned && worst.ratio <= 1 });
  }
  const userKernel = fastest(userPoints) ?? 'dequant-fp32';
  const statesByN = new Map<number, Array<Record<string, Tensor>>>();
  for (const [N, list] of samples) statesByN.set(N, await userStates(userSessions.get(userKernel) ?? refUser, list));
  await releaseAll([...userSessions.values(), refUser]);

  // Group graph: per point, end to end with the chosen user kernel.
  const groupSessions = await sessionsOf(ctx, kernels, (k) => graph('group', k));
  const groupPoints: CalibrationPoint[] = [];
  for (const N of points) {
    const list = samples.get(N)!;
    const states = statesByN.get(N)!;
    const times = await interleavedMedians(groupSessions, (session) => scores(session, states[0]!, list[0]!));
    for (const [kernel, session] of groupSessions) {
      const timing = times.get(kernel)!;
      const error = timing.pruned ? NaN : errorOf(N, await Promise.all(list.map((x, i) => scores(session, states[i]!, x))));
      groupPoints.push({ graph: 'group', kernel, candidates: N, ...timing, maxRelError: error, bound: boundAt(N), withinBound: error <= boundAt(N) });
    }
  }
  await releaseAll(groupSessions.values());
  await refGroup.release();
  return {
    userKernel,
    groupRanges: rangesFrom(points, (N) => fastest(groupPoints.filter((p) => p.candidates === N)) ?? 'dequant-fp32'),
    accuracyBound: bound,
    configuredBound: ctx.accuracyBound,
    int8EffectRelError: int8Effect,
    points: [...userPoints, ...groupPoints],
    calibrationS: (performance.now() - started) / 1000,
    calibrationCandidates: [...points],
    calibrationUsers: CALIBRATION_USERS,
  };
}

/** The int8 effect: max relative error of the fp32 ugsep graphs against the W8A16 reference over the samples. */
/** CALIBRATION_USERS fixed synthetic requests per candidate count. */
function calibrationSamples({ ort, weights }: CalibrationContext, points: readonly number[]): Map<number, Sample[]> {
  const s = weights.config;
  const samples = new Map<number, Sample[]>();
  for (const N of points) {
    samples.set(
      N,
      Array.from({ length: CALIBRATION_USERS }, (_, u) => {
        const r = syntheticRequest(s, 9001 + u, `calibration-user-${u}`, `calibration-${N}`, N);
        return { user: new ort.Tensor('float32', r.userFeatures, [1, s.Fu]), group: new ort.Tensor('float32', r.groupFeatures, [N, s.Fg]), N };
      }),
    );
  }
  return samples;
}

/** The fp32 graphs' error against the W8A16 reference at each N (max over that N's requests). */
async function fp32Errors(ctx: CalibrationContext, samples: ReadonlyMap<number, Sample[]>, errorOf: (N: number, got: Float32Array[]) => number): Promise<Map<number, number>> {
  const user = await ctx.createSession(buildUserGraph(ctx.weights, 'ugsep', ctx.graphOptions));
  const group = await ctx.createSession(buildGroupGraph(ctx.weights, 'ugsep', ctx.graphOptions));
  const byN = new Map<number, number>();
  for (const [N, list] of samples) {
    const got: Float32Array[] = [];
    for (const x of list) {
      const state = (await user.run({ [INPUT_USER]: x.user })) as Record<string, Tensor>;
      got.push((await group.run({ [INPUT_GROUP]: x.group, ...state }))[OUTPUT_SCORES]!.data as Float32Array);
    }
    byN.set(N, errorOf(N, got));
  }
  await releaseAll([user, group]);
  return byN;
}

/**
 * The fastest point within the bound (pruned points were never the fastest), except that
 * dequant-fp32 (fp32 speed, the most exact) keeps the point unless another kernel beats it by
 * SAFE_MARGIN: on a loaded machine a few runs cannot tell a 5% difference, and a wrong pick of
 * an int8-activation kernel at a compute-bound N loses far more than 5%.
 */
function fastest(points: readonly CalibrationPoint[]): Int8Kernel | undefined {
  const ok = points.filter((p) => p.withinBound && !p.pruned).sort((a, b) => a.medianUs - b.medianUs);
  const safe = ok.find((p) => p.kernel === 'dequant-fp32');
  if (safe && ok[0] && ok[0].medianUs * SAFE_MARGIN > safe.medianUs) return safe.kernel;
  return ok[0]?.kernel;
}

/** Ranges ending at each point (1, 2-4, 5-16, ...), the last open-ended; neighbours with one kernel merged. */
export function rangesFrom(points: readonly number[], kernelAt: (N: number) => Int8Kernel): KernelRange[] {
  const sorted = [...points].sort((a, b) => a - b);
  const ranges: KernelRange[] = [];
  sorted.forEach((N, i) => {
    const kernel = kernelAt(N);
    const fromN = i === 0 ? 1 : sorted[i - 1]! + 1;
    const toN = i === sorted.length - 1 ? null : N;
    const last = ranges.at(-1);
    if (last && last.kernel === kernel) last.toN = toN;
    else ranges.push({ fromN, toN, kernel });
  });
  return ranges;
}

/** The range serving N candidates. */
export function rangeFor(ranges: readonly KernelRange[], N: number): KernelRange {
  return ranges.find((r) => N >= r.fromN && (r.toN === null || N <= r.toN)) ?? ranges.at(-1)!;
}

async function sessionsOf(ctx: CalibrationContext, kernels: readonly Int8Kernel[], graphOf: (k: Int8Kernel) => BuiltGraph): Promise<Map<Int8Kernel, Session>> {
  const sessions = new Map<Int8Kernel, Session>();
  for (const kernel of kernels) sessions.set(kernel, await ctx.createSession(graphOf(kernel)));
  return sessions;
}

async function releaseAll(sessions: Iterable<Session>): Promise<void> {
  for (const session of sessions) await session.release();
}

/**
 * Per-kernel median run time from interleaved rounds (every kernel once per round, so load
 * drift on a shared machine hits all alike): one warm-up each (it also prepacks), then up to
 * ROUNDS rounds within ~ROUND_BUDGET_MS after the first; after round one, a kernel
 * PRUNE_FACTOR x slower than the fastest is dropped (pruned: its one run is kept).
 */
async function interleavedMedians(sessions: Map<Int8Kernel, Session>, run: (session: Session) => Promise<unknown>): Promise<Map<Int8Kernel, { medianUs: number; runs: number; pruned: boolean }>> {
  const times = new Map<Int8Kernel, number[]>();
  for (const [kernel, session] of sessions) {
    await run(session);
    times.set(kernel, []);
  }
  const live = new Set(sessions.keys());
  const started = performance.now();
  for (let round = 0; round < ROUNDS && (round < 3 || performance.now() - started < ROUND_BUDGET_MS); round++) {
    for (const kernel of live) {
      const t0 = performance.now();
      await run(sessions.get(kernel)!);
      times.get(kernel)!.push((performance.now() - t0) * 1000);
    }
    if (round === 0) {
      const best = Math.min(...[...live].map((k) => times.get(k)![0]!));
      for (const k of [...live]) if (times.get(k)![0]! > PRUNE_FACTOR * best) live.delete(k);
    }
  }
  const out = new Map<Int8Kernel, { medianUs: number; runs: number; pruned: boolean }>();
  for (const [kernel, list] of times) {
    const sorted = [...list].sort((a, b) => a - b);
    out.set(kernel, { medianUs: sorted[sorted.length >> 1]!, runs: list.length, pruned: !live.has(kernel) });
  }
  return out;
}

/** max |got - ref| / |ref| */
export function maxRelError(got: Float32Array, ref: Float32Array): number {
  let max = 0;
  for (let i = 0; i < ref.length; i++) max = Math.max(max, Math.abs(got[i]! - ref[i]!) / Math.abs(ref[i]!));
  return max;
}


/** the top-k agreement of two scorings (one definition for results, calibration and bench:kernels) */
export { topKOverlap } from '../../harness/results/parity/metrics.ts';
