/**
 * A user's ONNX model on onnxruntime-node as a ScoringRuntime: the whole form runs one session;
 * the split form runs the user graph once per request (or per cache miss) and keeps its outputs
 * as ORT tensors, fed by name to the group graph. Session settings (threads, spinning) are the
 * built-in models' own (ort-session.ts), so both are measured the same way.
 */
import { InputError, UnavailableError } from '../../harness/errors.ts';
import type { ModelConfig } from '../config.ts';
import { loadOrt, providerUnavailableReason, type OrtProvider } from '../runtimes/ort-providers.ts';
import { resolveSessionSettings, sessionOptions, settingsDetails } from '../runtimes/ort-session.ts';
import type { ScoringRuntime, UserStateHandle } from '../runtimes/runtime.ts';
import { externalStateBytes, type ExternalModel } from './model.ts';
import type * as OrtTypes from 'onnxruntime-node';

type Tensor = OrtTypes.Tensor;

export interface ExternalRuntimeOptions {
  provider?: OrtProvider;
  threads?: number;
}

/** Only Fu and Fg describe a user's model; the family's other dims do not apply (0). */
export function featureShape(Fu: number, Fg: number): ModelConfig {
  return { T: 0, Tu: 0, D: 0, L: 0, k: 0, Fu, Fg };
}

class ExternalUserState implements UserStateHandle {
  constructor(readonly tensors: Record<string, Tensor>, readonly bytes: number) {}
  dispose(): void {
    for (const t of Object.values(this.tensors)) t.dispose();
  }
}

export async function createExternalOrtRuntime(model: ExternalModel, options: ExternalRuntimeOptions = {}): Promise<ScoringRuntime> {
  const ort = await loadOrt();
  if (typeof ort === 'string') throw new UnavailableError('runtime ort', ort);
  const settings = resolveSessionSettings({ provider: options.provider ?? 'cpu', ...(options.threads !== undefined ? { threads: options.threads } : {}) });
  const reason = await providerUnavailableReason(settings.provider);
  if (reason) throw new UnavailableError(`ORT execution provider ${settings.provider}`, reason);
  const create = (bytes: Uint8Array): Promise<OrtTypes.InferenceSession> => ort.InferenceSession.create(bytes, sessionOptions(settings));
  const { Fu, Fg, names } = model;
  const userTensor = (user: Float32Array): Tensor => {
    if (user.length !== Fu) throw new InputError('request', [`${names.user_features}: expected ${Fu} values, got ${user.length}`]);
    return new ort.Tensor('float32', user, [1, Fu]);
  };
  const groupTensor = (group: Float32Array): Tensor => {
    if (group.length === 0 || group.length % Fg !== 0) throw new InputError('request', [`${names.group_features}: expected N >= 1 rows of ${Fg} values, got ${group.length} values`]);
    return new ort.Tensor('float32', group, [group.length / Fg, Fg]);
  };
  const scoresOf = (out: Record<string, Tensor>, N: number): Float32Array => {
    const t = out[names.scores]!;
    if (t.type !== 'float32' || t.size !== N) throw new Error(`${model.name}: ${names.scores} has ${t.size} ${t.type} values for ${N} candidates (expected ${N} float32)`);
    return new Float32Array(t.data as Float32Array);
  };
  const info = {
    runtime: 'ort',
    provider: settings.provider,
    threads: settings.threads,
    weightPrecision: 'as in the ONNX file',
    activationPrecision: 'float32 at the boundary (inside: as in the ONNX file)',
    details: { onnxruntimeNode: ort.env.versions.node ?? 'unknown', model: `onnx ${model.form}`, ...settingsDetails(settings), ...Object.fromEntries(model.files.map((f) => [`onnx.${f.role}.sha256`, f.sha256])) },
  };
  const config = featureShape(Fu, Fg);
  if (model.form === 'whole') {
    const session = await create(model.whole!.bytes);
    return {
      info,
      variant: 'baseline', // no user pass to skip; the scenario's name is the variant's label
      config,
      score: async (user, group) => scoresOf(await session.run({ [names.user_features]: userTensor(user), [names.group_features]: groupTensor(group) }), group.length / Fg),
      dispose: () => session.release(),
    };
  }
  const userSession = await create(model.user!.bytes);
  const groupSession = await create(model.group!.bytes);
  const stateBytes = externalStateBytes(model);
  const userPass = async (user: Float32Array): Promise<ExternalUserState> => {
    const out = await userSession.run({ [names.user_features]: userTensor(user) });
    return new ExternalUserState(Object.fromEntries(model.stateNames.map((n) => [n, out[n]!])), stateBytes);
  };
  const groupPass = async (state: UserStateHandle, group: Float32Array): Promise<Float32Array> => {
    if (!(state instanceof ExternalUserState)) throw new Error('groupPass: the state handle was not made by this runtime');
    return scoresOf(await groupSession.run({ [names.group_features]: groupTensor(group), ...state.tensors }), group.length / Fg);
  };
  return {
    info,
    variant: 'ugsep', // has a user pass the cross-request cache can skip
    config,
    score: async (user, group) => {
      const state = await userPass(user);
      try {
        return await groupPass(state, group);
      } finally {
        state.dispose();
      }
    },
    userPass,
    groupPass,
    dispose: async () => {
      await userSession.release();
      await groupSession.release();
    },
  };
}
