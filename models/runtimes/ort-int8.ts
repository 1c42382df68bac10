/**
 * The sessions of a split ugsep-w8a16 on ORT: one user session and one group session per
 * distinct kernel of the plan, the group pass dispatched by N. With `auto` the plan comes from
 * calibration (ort-calibrate.ts, cached per machine); an explicit kernel is a one-range plan.
 * Every session's kernel and activation precision are read from the graph ORT optimized.
 */
import { buildGroupGraph, buildUserGraph, type BuiltGraph, type GraphForm } from '../onnx/graphs.ts';
import type { Int8Kernel, Int8KernelChoice, ResolvedGraphOptions } from '../onnx/options.ts';
import type { ModelWeights } from '../weights/layout.ts';
import { CALIBRATION_VERSION, calibrateKernels, DEFAULT_ACCURACY_BOUND, EFFECT_FRACTION, rangeFor, type KernelPlan, type KernelRange } from './ort-calibrate.ts';
import { cachedKernelPlan } from './ort-kernel-cache.ts';
import { optimizedGraphTarget, readRanKernel, type RanKernel } from './ort-optimized.ts';
import type { OrtModule } from './ort-providers.ts';
import type * as OrtTypes from 'onnxruntime-node';

type Session = OrtTypes.InferenceSession;

export interface Int8Options {
  /** default 'auto' */
  int8Kernel?: Int8KernelChoice;
  /** auto: max relative score error against the W8A16 reference; default 5e-3 */
  accuracyBound?: number;
  /** auto: candidate counts calibrated at; default 1, 4, 16, 64, 256 */
  calibrationCandidates?: number[];
  /** auto: calibrate even when a cached plan exists */
  recalibrate?: boolean;
  /** auto: where plans are cached; default the machine-limits cache directory */
  kernelCacheDir?: string;
}

export interface SessionFactory {
  ort: OrtModule;
  ortVersion: string;
  threads: number;
  /** a session with the runtime's settings; `extra` merges into its SessionOptions */
  create(graph: BuiltGraph, extra?: OrtTypes.InferenceSession.SessionOptions): Promise<Session>;
  /** settings that change speed, for the plan's cache key */
  settingsKey: unknown;
}

export interface GroupSession {
  range: KernelRange;
  session: Session;
  ran: RanKernel;
}

export interface Int8Sessions {
  user: { session: Session; ran: RanKernel };
  groups: GroupSession[];
  plan: KernelPlan | undefined;
  planFile: string | undefined;
  planCached: boolean;
  choice: Int8KernelChoice;
  /** bytes of the graphs the serving sessions were built from */
  modelBytes: number;
  groupFor(N: number): GroupSession;
}

/** A session whose optimized graph is read back to say what it runs. */
async function derivedSession(factory: SessionFactory, graph: BuiltGraph): Promise<{ session: Session; ran: RanKernel }> {
  const target = await optimizedGraphTarget();
  const session = await factory.create(graph, target.options);
  return { session, ran: await readRanKernel(target.dir, target.modelFile) };
}

/** `form` 'batched': the group sessions take R users' states and row_user (the plan is the one-user graph's). */
export async function createInt8Sessions(factory: SessionFactory, weights: ModelWeights, graphOptions: ResolvedGraphOptions, options: Int8Options, form: GraphForm = 'one-user'): Promise<Int8Sessions> {
  const choice = options.int8Kernel ?? 'auto';
  let plan: KernelPlan | undefined;
  let planFile: string | undefined;
  let planCached = false;
  let userKernel: Int8Kernel;
  let ranges: KernelRange[];
  if (choice === 'auto') {
    const accuracyBound = options.accuracyBound ?? DEFAULT_ACCURACY_BOUND;
    const calibrate = (): Promise<KernelPlan> =>
      calibrateKernels({
        ort: factory.ort,
        weights,
        createSession: (graph) => factory.create(graph),
        accuracyBound,
        graphOptions,
        ...(options.calibrationCandidates ? { candidates: options.calibrationCandidates } : {}),
      });
    const key = { weights, ortVersion: factory.ortVersion, threads: factory.threads, settings: { calibration: CALIBRATION_VERSION, accuracyBound, candidates: options.calibrationCandidates ?? null, session: factory.settingsKey, graphOptions } };
    const outcome = options.recalibrate ? { plan: await calibrate(), file: undefined, cached: false } : await cachedKernelPlan(key, calibrate, options.kernelCacheDir);
    ({ plan } = outcome);
    planFile = outcome.file;
    planCached = outcome.cached;
    userKernel = plan.userKernel;
    ranges = plan.groupRanges;
  } else {
    userKernel = choice;
    ranges = [{ fromN: 1, toN: null, kernel: choice }];
  }
  const withKernel = (kernel: Int8Kernel): ResolvedGraphOptions => ({ ...graphOptions, int8Kernel: kernel });
  let modelBytes = 0;
  const derived = (graph: BuiltGraph): Promise<{ session: Session; ran: RanKernel }> => {
    modelBytes += graph.model.byteLength;
    return derivedSession(factory, graph);
  };
  const user = await derived(buildUserGraph(weights, 'ugsep-w8a16', withKernel(userKernel)));
  const byKernel = new Map<Int8Kernel, { session: Session; ran: RanKernel }>();
  const groups: GroupSession[] = [];
  for (const range of ranges) {
    let built = byKernel.get(range.kernel);
    if (!built) {
      built = await derived(buildGroupGraph(weights, 'ugsep-w8a16', withKernel(range.kernel), form));
      byKernel.set(range.kernel, built);
    }
    groups.push({ range, ...built });
  }
  return {
    user,
    groups,
    plan,
    planFile,
    planCached,
    choice,
    modelBytes,
    groupFor: (N) => {
      const range = rangeFor(ranges, N);
      return groups.find((g) => g.range === range)!;
    },
  };
}

export const rangeLabel = (r: KernelRange): string => (r.toN === null ? `${r.fromN}+` : r.fromN === r.toN ? `${r.fromN}` : `${r.fromN}-${r.toN}`);

/** Flat facts for RuntimeInfo: what ran per graph and N range, and what calibration measured. */
export function int8Facts(sessions: Int8Sessions): { activationPrecision: string; weightPrecision: string; details: Record<string, string | number | boolean> } {
  const { user, groups, plan } = sessions;
  const details: Record<string, string | number | boolean> = { int8Kernel: sessions.choice, 'int8.user': user.ran.kernel };
  for (const g of groups) details[`int8.group.N${rangeLabel(g.range)}`] = g.ran.kernel;
  if (plan) {
    details['int8.accuracyBound'] = plan.accuracyBound;
    details['int8.effectRelError'] = plan.int8EffectRelError;
    details['int8.accuracyBoundRule'] = `per calibration point: min(configured ${plan.configuredBound}, ${EFFECT_FRACTION} x the int8 effect at that N = fp32 graph vs W8A16 reference, the negative control); strictest ${plan.accuracyBound.toExponential(2)} where the effect is least (${plan.int8EffectRelError.toExponential(2)})`;
    details['int8.calibration'] =
      `${sessions.planCached ? 'cached plan' : `calibrated in ${plan.calibrationS.toFixed(1)} s`}: max relative score error vs the W8A16 reference graph over ` +
      `${plan.calibrationUsers} synthetic requests at N = ${plan.calibrationCandidates.join(', ')}; times are medians of up to 5 interleaved rounds`;
    details['int8.calibrationPoints'] = JSON.stringify(
      plan.points.map((p) => ({ graph: p.graph, kernel: p.kernel, N: p.candidates, medianUs: Math.round(p.medianUs), maxRelError: Number.isFinite(p.maxRelError) ? Number(p.maxRelError.toExponential(2)) : null, bound: Number(p.bound.toExponential(2)), ok: p.withinBound })),
    );
    if (sessions.planFile) details['int8.planFile'] = sessions.planFile;
  }
  const all = [user.ran, ...groups.map((g) => g.ran)];
  const activationPrecision = [`user graph: ${user.ran.activationPrecision}`, ...groups.map((g) => `group graph N ${rangeLabel(g.range)}: ${g.ran.activationPrecision}`)].join('; ');
  const stored = all.every((r) => r.kernel.startsWith('dequant-fp32'))
    ? 'int8 symmetric per-output-channel values, dequantized to fp32 at build (FFN and compensation)'
    : 'int8 symmetric per-output-channel (FFN and compensation; dequantized to fp32 where the kernel says dequant-fp32), fp32 elsewhere';
  return { activationPrecision, weightPrecision: stored, details };
}

/** dispatchTags of the runtime: the kernels serving a request of N candidates. */
export function int8Tags(sessions: Int8Sessions, N: number): Readonly<Record<string, string>> {
  const group = sessions.groupFor(N);
  return { userKernel: sessions.user.ran.kernel, groupKernel: group.ran.kernel, groupKernelRange: rangeLabel(group.range) };
}
