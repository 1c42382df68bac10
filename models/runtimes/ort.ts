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
import { buildGroupGraph, buildUserGraph, buildWholeGraph, INPUT_GROUP, INPUT_USER, OUTPUT_SCORES, type BuiltGraph, type GraphForm } from '../onnx/graphs.ts';
import { DEFAULT_INT8_KERNEL, resolveGraphOptions, type GraphOptions, type ResolvedGraphOptions } from '../onnx/options.ts';
import { allocateStates, cutStates, oneUserRows, rowUserFeed, stackStates } from './ort-batch.ts';
import { VARIANT_TRAITS, type Variant } from '../variants.ts';
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
  /** build the batched form (R users + row_user) for dynamic batching; default false */
  batched?: boolean;
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

/** What the monolithic and split forms share, built once per runtime. */
interface OrtContext {
  ort: OrtModule;
  weights: ModelWeights;
  variant: Variant;
  s: DerivedShape;
  graphOptions: ResolvedGraphOptions;
  /** 'batched': graphs take R users and row_user (dynamic batching); every request runs through them */
  form: GraphForm;
  int8: Int8Sessions | undefined;
  create(graph: BuiltGraph, extra?: OrtTypes.InferenceSession.SessionOptions): Promise<Session>;
  info(modelBytes: number): RuntimeInfo;
  /** user features [R, Fu] (R = length / Fu) */
  userTensor(users: Float32Array, R?: number): Tensor;
  groupTensor(group: Float32Array): Tensor;
  /** run a scores graph, writing the scores straight into a fresh [N] array */
  runScores(session: Session, feeds: Record<string, Tensor>, N: number): Promise<Float32Array>;
}

export async function createOrtRuntime(weights: ModelWeights, variant: Variant, options: OrtRuntimeOptions = {}): Promise<ScoringRuntime> {
  const ort = await loadOrt();
  if (typeof ort === 'string') throw new UnavailableError('runtime ort', ort);
  const settings = resolveSessionSettings(options);
  const reason = await providerUnavailableReason(settings.provider);
  if (reason) throw new UnavailableError(`ORT execution provider ${settings.provider}`, reason);

  const traits = VARIANT_TRAITS[variant];
  const gpu = settings.provider === 'cuda' || settings.provider === 'tensorrt';
  const execution: OrtExecution = traits.masked ? (options.execution ?? 'split') : 'monolithic';
  const form: GraphForm = options.batched === true ? 'batched' : 'one-user';
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
    int8 = await createInt8Sessions(factory, weights, graphOptions, options, form);
  }
  const facts = int8 ? int8Facts(int8) : undefined;
  const precision = facts ?? ortPrecision(traits.int8Weights, settings.provider, graphOptions.int8Kernel, settings.matMulNBitsAccuracyLevel);
  const baseDetails = {
    onnxruntimeNode: ort.env.versions.node ?? 'unknown',
    execution,
    ffnLayout: graphOptions.ffnLayout,
    int8Kernel: traits.int8Weights ? graphOptions.int8Kernel : 'none',
    ...(form === 'batched' ? { graphForm: 'batched (R users, row_user index)' } : {}),
    ...settingsDetails(settings),
    ...(facts?.details ?? {}),
  };
  const ctx: OrtContext = {
    ort,
    weights,
    variant,
    s,
    graphOptions,
    form,
    int8,
    create,
    info: (modelBytes) => ({
      runtime: 'ort',
      provider: settings.provider,
      threads: settings.threads,
      weightPrecision: precision.weightPrecision,
      activationPrecision: precision.activationPrecision,
      details: { ...baseDetails, modelBytes },
    }),
    userTensor: (users, R = 1) => {
      if (users.length !== R * s.Fu) throw new InputError('request', [`user_features: expected ${R * s.Fu} values, got ${users.length}`]);
      return new ort.Tensor('float32', users, [R, s.Fu]);
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
  return execution === 'monolithic' ? monolithicRuntime(ctx) : splitRuntime(ctx);
}

/** baseline, or ugsep as the masked monolith: one graph per request (or per batch). */
async function monolithicRuntime(ctx: OrtContext): Promise<ScoringRuntime> {
  const { weights, variant, s, form } = ctx;
  const traits = VARIANT_TRAITS[variant];
  const graph = buildWholeGraph(weights, variant, ctx.graphOptions, form);
  // int8 weights: the kernel and activation precision are read from the optimized graph.
  const target = traits.int8Weights ? await optimizedGraphTarget() : undefined;
  const session = await ctx.create(graph, target?.options);
  const ran = target ? await readRanKernel(target.dir, target.modelFile) : undefined;
  const monolithInfo = ctx.info(graph.model.byteLength);
  const scoreBatch = (users: Float32Array, group: Float32Array, rowUser: Int32Array): Promise<Float32Array> => {
    const R = users.length / s.Fu;
    const feeds = { [INPUT_USER]: ctx.userTensor(users, R), [INPUT_GROUP]: ctx.groupTensor(group), ...rowUserFeed(ctx.ort, rowUser, R) };
    return ctx.runScores(session, feeds, rowUser.length);
  };
  return {
    info: ran ? { ...monolithInfo, activationPrecision: `whole graph: ${ran.activationPrecision}`, details: { ...monolithInfo.details, 'int8.whole': ran.kernel } } : monolithInfo,
    variant,
    config: weights.config,
    score: (user, group) =>
      form === 'batched'
        ? scoreBatch(user, group, oneUserRows(group.length / s.Fg))
        : ctx.runScores(session, { [INPUT_USER]: ctx.userTensor(user), [INPUT_GROUP]: ctx.groupTensor(group) }, group.length / s.Fg),
    ...(form === 'batched' ? { scoreBatch } : {}),
    dispose: () => session.release(),
  };
}

/** ugsep split: a user graph (R users) and a group graph (or one per int8 kernel range). */
async function splitRuntime(ctx: OrtContext): Promise<ScoringRuntime> {
  const { ort, weights, variant, s, int8, form } = ctx;
  // Graph bytes (up to ~1 GB on `wide`) are dropped once the sessions hold the weights.
  let modelBytes = int8?.modelBytes ?? 0;
  const session = async (graph: BuiltGraph): Promise<Session> => {
    modelBytes += graph.model.byteLength;
    return ctx.create(graph);
  };
  const userGraph = buildUserGraph(weights, variant, ctx.graphOptions);
  const stateSpecs = userGraph.outputs;
  const userSession = int8 ? int8.user.session : await session(userGraph);
  const groupSession = int8 ? undefined : await session(buildGroupGraph(weights, variant, ctx.graphOptions, form));
  const groupSessionFor = (N: number): Session => groupSession ?? int8!.groupFor(N).session;
  const stateBytes = userStateBytes(weights.config, variant);
  const newState = (): OrtUserState => new OrtUserState(allocateStates(ort, stateSpecs, s, 1), stateBytes);
  // score() borrows a state from this pool: concurrent requests never share one, and a
  // sequential stream of requests reuses the same few KB instead of allocating.
  const pool: OrtUserState[] = [];

  const runUser = async (user: Float32Array, state: OrtUserState): Promise<OrtUserState> => {
    await userSession.run({ [INPUT_USER]: ctx.userTensor(user) }, state.tensors);
    return state;
  };
  /** group pass on rows [N, Fg]: one user's state, or stacked states [R, ...] with row_user */
  const runGroup = (tensors: Record<string, Tensor>, group: Float32Array, rowUser?: Int32Array, R = 1): Promise<Float32Array> => {
    const N = group.length / s.Fg;
    const rows = form === 'batched' ? rowUserFeed(ort, rowUser ?? oneUserRows(N), R) : {};
    return ctx.runScores(groupSessionFor(N), { [INPUT_GROUP]: ctx.groupTensor(group), ...tensors, ...rows }, N);
  };
  const own = (handle: UserStateHandle): OrtUserState => {
    if (!(handle instanceof OrtUserState)) throw new Error('groupPass: the state handle was not made by this ORT runtime');
    return handle;
  };

  return {
    info: ctx.info(modelBytes),
    variant,
    config: weights.config,
    score: async (user, group) => {
      const state = pool.pop() ?? newState();
      try {
        return await runGroup((await runUser(user, state)).tensors, group);
      } finally {
        pool.push(state);
      }
    },
    userPass: (user) => runUser(user, newState()),
    groupPass: (handle, group) => runGroup(own(handle).tensors, group),
    ...(form === 'batched'
      ? {
          userPassBatch: async (users: Float32Array) => {
            const R = users.length / s.Fu;
            const outputs = allocateStates(ort, stateSpecs, s, R); // [R, ...]
            await userSession.run({ [INPUT_USER]: ctx.userTensor(users, R) }, outputs);
            return cutStates(ort, stateSpecs, s, outputs, R).map((tensors) => new OrtUserState(tensors, stateBytes));
          },
          groupPassBatch: (states: readonly UserStateHandle[], group: Float32Array, rowUser: Int32Array) =>
            runGroup(stackStates(ort, stateSpecs, s, states.map((h) => own(h).tensors)), group, rowUser, states.length),
        }
      : {}),
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
