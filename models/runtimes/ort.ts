/**
 * onnxruntime-node as a ScoringRuntime: the runtime that carries ugbench's numbers.
 * - baseline: one graph on [T, N, D];
 * - ugsep variants: a user graph run once per request (or per cache miss) and a group graph on
 *   the N candidates; or, with execution 'monolithic', the masked model on [T, N, D] (the "no
 *   reuse" control).
 * The user state stays in ORT tensors written in place by the user session (preallocated
 * outputs) and fed straight to the group session: nothing is converted to JS arrays, and only
 * the scores are fetched.
 */
import { InputError, UnavailableError } from '../../harness/errors.ts';
import { derive, type DerivedShape } from '../config.ts';
import { userStateBytes } from '../cost.ts';
import { buildGroupGraph, buildUserGraph, buildWholeGraph, INPUT_GROUP, INPUT_USER, OUTPUT_SCORES, type BoundaryTensor, type BuiltGraph } from '../onnx/graphs.ts';
import { DEFAULT_INT8_KERNEL, resolveGraphOptions, type GraphOptions, type ResolvedGraphOptions } from '../onnx/options.ts';
import { VARIANT_TRAITS, type Variant, type VariantTraits } from '../variants.ts';
import type { ModelWeights } from '../weights/layout.ts';
import { loadOrt, providerUnavailableReason, type OrtModule } from './ort-providers.ts';
import { createInt8Sessions, int8Facts, int8Tags, type Int8Options, type Int8Sessions, type SessionFactory } from './ort-int8.ts';
import { optimizedGraphTarget, readRanKernel } from './ort-optimized.ts';
import { ortPrecision } from './ort-precision.ts';
import { resolveSessionSettings, sessionOptions, settingsDetails, type OrtSessionSettings } from './ort-session.ts';
import type { RuntimeInfo, ScoringRuntime, UserStateHandle } from './runtime.ts';
import type * as OrtTypes from 'onnxruntime-node';

export type OrtExecution = 'split' | 'monolithic';

export interface OrtRuntimeOptions extends Partial<OrtSessionSettings>, Omit<GraphOptions, 'int8Kernel'>, Int8Options {
  /** ugsep variants: 'split' (default; the paper's execution) or 'monolithic' (no reuse) */
  execution?: OrtExecution;
}

type Tensor = OrtTypes.Tensor;
type Session = OrtTypes.InferenceSession;

/** One user's state: the user graph's outputs, as ORT tensors. */
class OrtUserState implements UserStateHandle {
  constructor(
    readonly tensors: Record<string, Tensor>,
    readonly bytes: number,
  ) {}
  dispose(): void {
    for (const t of Object.values(this.tensors)) t.dispose();
  }
}

export async function createOrtRuntime(weights: ModelWeights, variant: Variant, options: OrtRuntimeOptions = {}): Promise<ScoringRuntime> {
  const setup = await setUpOrt(weights, variant, options);
  return setup.execution === 'monolithic' ? createMonolithicRuntime(setup, weights, variant) : createSplitRuntime(setup, weights, variant);
}

/** What both executions share: ORT, the resolved execution and graph options, sessions, facts, tensors. */
interface OrtSetup extends TensorHelpers {
  ort: OrtModule;
  traits: VariantTraits;
  execution: OrtExecution;
  graphOptions: ResolvedGraphOptions;
  /** the calibrated int8 sessions (split CPU graphs of an int8-weight variant) */
  int8: Int8Sessions | undefined;
  create: (graph: BuiltGraph, extra?: OrtTypes.InferenceSession.SessionOptions) => Promise<Session>;
  info: (modelBytes: number) => RuntimeInfo;
}

async function setUpOrt(weights: ModelWeights, variant: Variant, options: OrtRuntimeOptions): Promise<OrtSetup> {
  const ort = await loadOrt();
  if (typeof ort === 'string') throw new UnavailableError('runtime ort', ort);
  const settings = resolveSessionSettings(options);
  const reason = await providerUnavailableReason(settings.provider);
  if (reason) throw new UnavailableError(`ORT execution provider ${settings.provider}`, reason);

  const traits = VARIANT_TRAITS[variant];
  const gpu = settings.provider === 'cuda' || settings.provider === 'tensorrt';
  const execution: OrtExecution = traits.masked ? (options.execution ?? 'split') : 'monolithic';
  // auto calibrates the split CPU graphs; the monolith and the CUDA form take one kernel.
  const calibrated = traits.int8Weights && !gpu && execution === 'split';
  const explicitKernel = options.int8Kernel === undefined || options.int8Kernel === 'auto' ? DEFAULT_INT8_KERNEL : options.int8Kernel;
  const graphOptions = resolveGraphOptions({ ...options, int8Kernel: explicitKernel, activations: gpu && traits.int8Weights ? 'fp16' : 'fp32' });
  const s = derive(weights.config);
  const create = (graph: BuiltGraph, extra: OrtTypes.InferenceSession.SessionOptions = {}): Promise<Session> =>
    ort.InferenceSession.create(graph.model, mergeSessionOptions(sessionOptions(settings), extra));

  let int8: Int8Sessions | undefined;
  if (calibrated) {
    const factory: SessionFactory = { ort, ortVersion: ort.env.versions.node ?? 'unknown', threads: settings.threads, create, settingsKey: settingsDetails(settings) };
    int8 = await createInt8Sessions(factory, weights, graphOptions, options);
  }
  const facts = int8 ? int8Facts(int8) : undefined;
  const precision = facts ?? ortPrecision(traits.int8Weights, settings.provider, graphOptions.int8Kernel, settings.matMulNBitsAccuracyLevel);
  const baseDetails = {
    onnxruntimeNode: ort.env.versions.node ?? 'unknown',
    execution,
    ffnLayout: graphOptions.ffnLayout,
    int8Kernel: traits.int8Weights ? graphOptions.int8Kernel : 'none',
    ...settingsDetails(settings),
    ...(facts?.details ?? {}),
  };
  const info = (modelBytes: number): RuntimeInfo => ({
    runtime: 'ort',
    provider: settings.provider,
    threads: settings.threads,
    weightPrecision: precision.weightPrecision,
    activationPrecision: precision.activationPrecision,
    details: { ...baseDetails, modelBytes },
  });
  return { ort, traits, execution, graphOptions, int8, create, info, ...tensorHelpers(ort, s) };
}

interface TensorHelpers {
  s: DerivedShape;
  /** a request's user features as a [1, Fu] tensor (InputError on a wrong length) */
  userTensor: (user: Float32Array) => Tensor;
  /** a request's candidate rows as an [N, Fg] tensor (InputError on a wrong length) */
  groupTensor: (group: Float32Array) => Tensor;
  /** run a scores graph, writing the scores straight into a fresh [N] array */
  runScores: (session: Session, feeds: Record<string, Tensor>, N: number) => Promise<Float32Array>;
}

function tensorHelpers(ort: OrtModule, s: DerivedShape): TensorHelpers {
  return {
    s,
    userTensor: (user) => {
      if (user.length !== s.Fu) throw new InputError('request', [`user_features: expected ${s.Fu} values, got ${user.length}`]);
      return new ort.Tensor('float32', user, [1, s.Fu]);
    },
    groupTensor: (group) => {
      if (group.length === 0 || group.length % s.Fg !== 0) {
        throw new InputError('request', [`group_features: expected N >= 1 rows of ${s.Fg} values, got ${group.length} values`]);
      }
      return new ort.Tensor('float32', group, [group.length / s.Fg, s.Fg]);
    },
    runScores: async (session, feeds, N) => {
      const scores = new Float32Array(N);
      await session.run(feeds, { [OUTPUT_SCORES]: new ort.Tensor('float32', scores, [N]) });
      return scores;
    },
  };
}

/** One graph on [T, N, D]: the baseline, or a ugsep variant's masked model (no reuse). */
async function createMonolithicRuntime(setup: OrtSetup, weights: ModelWeights, variant: Variant): Promise<ScoringRuntime> {
  const { s, userTensor, groupTensor, runScores } = setup;
  const graph = buildWholeGraph(weights, variant, setup.graphOptions);
  // int8 weights: the kernel and activation precision are read from the optimized graph.
  const target = setup.traits.int8Weights ? await optimizedGraphTarget() : undefined;
  const session = await setup.create(graph, target?.options);
  const ran = target ? await readRanKernel(target.dir, target.modelFile) : undefined;
  const monolithInfo = setup.info(graph.model.byteLength);
  return {
    info: ran ? { ...monolithInfo, activationPrecision: `whole graph: ${ran.activationPrecision}`, details: { ...monolithInfo.details, 'int8.whole': ran.kernel } } : monolithInfo,
    variant,
    config: weights.config,
    score: (user, group) => runScores(session, { [INPUT_USER]: userTensor(user), [INPUT_GROUP]: groupTensor(group) }, group.length / s.Fg),
    dispose: () => session.release(),
  };
}

/** A ugsep variant split: the user graph once per request (or cache miss), the group graph on N candidates. */
async function createSplitRuntime(setup: OrtSetup, weights: ModelWeights, variant: Variant): Promise<ScoringRuntime> {
  const { ort, s, int8, graphOptions, userTensor, groupTensor, runScores } = setup;
  // Graph bytes (up to ~1 GB on `wide`) are dropped once the sessions hold the weights.
  let modelBytes = int8?.modelBytes ?? 0;
  const session = async (graph: BuiltGraph): Promise<Session> => {
    modelBytes += graph.model.byteLength;
    return setup.create(graph);
  };
  const userGraph = buildUserGraph(weights, variant, graphOptions);
  const stateSpecs = userGraph.outputs;
  const userSession = int8 ? int8.user.session : await session(userGraph);
  const groupSession = int8 ? undefined : await session(buildGroupGraph(weights, variant, graphOptions));
  const groupSessionFor = (N: number): Session => groupSession ?? int8!.groupFor(N).session;
  const stateBytes = userStateBytes(weights.config, variant);
  const newState = (): OrtUserState => new OrtUserState(allocateState(ort, stateSpecs, s), stateBytes);
  // score() borrows a state from this pool: concurrent requests never share one, and a
  // sequential stream of requests reuses the same few KB instead of allocating.
  const pool: OrtUserState[] = [];

  const runUser = async (user: Float32Array, state: OrtUserState): Promise<OrtUserState> => {
    await userSession.run({ [INPUT_USER]: userTensor(user) }, state.tensors);
    return state;
  };
  const runGroup = (state: OrtUserState, group: Float32Array): Promise<Float32Array> => {
    const N = group.length / s.Fg;
    return runScores(groupSessionFor(N), { [INPUT_GROUP]: groupTensor(group), ...state.tensors }, N);
  };

  return {
    info: setup.info(modelBytes),
    variant,
    config: weights.config,
    score: async (user, group) => {
      const state = pool.pop() ?? newState();
      try {
        return await runGroup(await runUser(user, state), group);
      } finally {
        pool.push(state);
      }
    },
    userPass: (user) => runUser(user, newState()),
    groupPass: (handle, group) => {
      if (!(handle instanceof OrtUserState)) throw new Error('groupPass: the state handle was not made by this ORT runtime');
      return runGroup(handle, group);
    },
    ...(int8 ? { dispatchTags: (candidates: number) => int8Tags(int8, candidates) } : {}),
    dispose: async () => {
      await userSession.release();
      for (const g of new Set([groupSession, ...(int8?.groups.map((x) => x.session) ?? [])])) await g?.release();
    },
  };
}

/** Session options with `extra` laid over them (the session config entries merged, not replaced). */
function mergeSessionOptions(base: OrtTypes.InferenceSession.SessionOptions, extra: OrtTypes.InferenceSession.SessionOptions): OrtTypes.InferenceSession.SessionOptions {
  const baseExtra = (base.extra ?? {}) as { session?: object };
  const moreExtra = (extra.extra ?? {}) as { session?: object };
  return { ...base, ...extra, extra: { ...baseExtra, ...moreExtra, session: { ...baseExtra.session, ...moreExtra.session } } };
}

/** Output tensors of the user graph for one user (R = 1), for ORT to write into. */
function allocateState(ort: OrtModule, outputs: readonly BoundaryTensor[], s: DerivedShape): Record<string, Tensor> {
  const tensors: Record<string, Tensor> = {};
  for (const out of outputs) {
    const dims = out.dims.map((d) => (d === 'R' ? 1 : d));
    if (!dims.every((d): d is number => typeof d === 'number')) throw new Error(`user graph output ${out.name} has dims ${out.dims.join(',')} (D=${s.D})`);
    tensors[out.name] = new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
  }
  return tensors;
}
