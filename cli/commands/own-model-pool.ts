/** Model instances of a user's own ONNX model (serve, bench): each worker loads and checks the files itself. */
import type { Clock } from '../../harness/loadgen/clock.ts';
import type { ExternalModelSpec } from '../../models/external/contract.ts';
import { EXTERNAL_INSTANCE_MODULE, type ExternalInstanceOptions } from '../../models/external/instance-runtime.ts';
import { externalStateBytes, loadExternalModel, type ExternalModel } from '../../models/external/model.ts';
import { featureShape } from '../../models/external/ort-runtime.ts';
import { createInstancePool, type InstancePool } from '../../models/instances/pool.ts';
import type { InstanceSpec } from '../../models/instances/messages.ts';

export interface OwnModelPool {
  name: string;
  form: 'whole' | 'split';
  model: ExternalModel;
  pool: InstancePool;
  /** bytes of one user's state, for the cache's byte budget */
  stateBytes: number;
}

/** The instance spec: the registry's ORT CPU runtime is replaced by the own-model factory. */
export function ownModelSpec(model: ExternalModel, spec: ExternalModelSpec, threads: number | undefined): InstanceSpec {
  const factoryOptions: ExternalInstanceOptions = { model: spec, runtime: threads === undefined ? {} : { threads } };
  return {
    runtime: 'ort-cpu',
    variant: model.form === 'split' ? 'ugsep' : 'baseline',
    weights: { config: featureShape(model.Fu, model.Fg), seed: 0 }, // unused by the factory
    weightVariants: [],
    options: {},
    factoryModule: EXTERNAL_INSTANCE_MODULE,
    factoryOptions,
  };
}

export async function ownModelPool(spec: ExternalModelSpec, o: { instances: number; perInstance: number; clock: Clock; threads: number | undefined }): Promise<OwnModelPool> {
  const model = loadExternalModel(spec); // checked here first: bad files exit 104 before any worker starts
  const pool = await createInstancePool({ spec: ownModelSpec(model, spec, o.threads), instances: o.instances, perInstance: o.perInstance, clock: o.clock });
  return { name: spec.name, form: model.form, model, pool, stateBytes: externalStateBytes(model) };
}
