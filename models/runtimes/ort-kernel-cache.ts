/**
 * The calibrated kernel plan, cached per machine fingerprint (the machine limits' own, from
 * models/limits) and per model: calibrating takes seconds, and a plan measured on one CPU says
 * nothing about another. The key hashes every weight tensor, the accuracy bound, the candidate
 * counts and kernels tried, and the session settings that change speed.
 */
import { createHash } from 'node:crypto';
import { kernelPlanPath, limitsCacheDir, readCachedJson, writeCachedJson } from '../limits/cache.ts';
import { fingerprintOf, readMachineSummary } from '../limits/fingerprint.ts';
import type { ModelWeights } from '../weights/layout.ts';
import type { KernelPlan } from './ort-calibrate.ts';

const PLAN_SCHEMA_VERSION = 1;

interface StoredPlan {
  schemaVersion: number;
  fingerprint: string;
  modelKey: string;
  measuredAt: string;
  plan: KernelPlan;
}

export interface PlanKeyInput {
  weights: ModelWeights;
  ortVersion: string;
  threads: number;
  /** everything else that shapes the plan: bound, candidates, kernels, session settings */
  settings: unknown;
}

/** sha256 over the weight bytes and the settings, 16 hex digits. */
export function modelKeyOf(input: PlanKeyInput): string {
  const hash = createHash('sha256').update(JSON.stringify({ config: input.weights.config, settings: input.settings }));
  const w = input.weights;
  const tensors = [w.tokUserWeight, w.tokUserBias, w.tokGroupWeight, w.tokGroupBias, w.headWeight, w.headBias];
  for (const l of w.layers) tensors.push(l.ln1Weight, l.ln1Bias, l.w1, l.b1, l.w2, l.b2, l.ln2Weight, l.ln2Bias, ...(l.compWeight ? [l.compWeight] : []), ...(l.compBias ? [l.compBias] : []));
  for (const t of tensors) hash.update(new Uint8Array(t.buffer, t.byteOffset, t.byteLength));
  return hash.digest('hex').slice(0, 16);
}

export interface CachedPlanOutcome {
  plan: KernelPlan;
  file: string;
  cached: boolean;
}

/** The cached plan for this machine and model, else `calibrate()` and store its plan. */
export async function cachedKernelPlan(input: PlanKeyInput, calibrate: () => Promise<KernelPlan>, dir = limitsCacheDir()): Promise<CachedPlanOutcome> {
  const fingerprint = fingerprintOf(await readMachineSummary(), input.ortVersion, input.threads);
  const modelKey = modelKeyOf(input);
  const file = kernelPlanPath(fingerprint, modelKey, dir);
  const stored = await readCachedJson<StoredPlan>(file);
  if (stored?.schemaVersion === PLAN_SCHEMA_VERSION && stored.modelKey === modelKey) return { plan: stored.plan, file, cached: true };
  const plan = await calibrate();
  const record: StoredPlan = { schemaVersion: PLAN_SCHEMA_VERSION, fingerprint, modelKey, measuredAt: new Date().toISOString(), plan };
  await writeCachedJson(file, record);
  return { plan, file, cached: false };
}
