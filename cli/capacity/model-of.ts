/** The model a sweep series ran, as data, and the cost model's per-request FLOPs and bytes for it. */
import type { SweepSeries } from '../../harness/results/sweep/results.ts';
import { parseConfig, type ModelConfig } from '../../models/config.ts';
import { requestCost } from '../../models/cost.ts';
import { VARIANTS, type Variant } from '../../models/variants.ts';

export function configOf(series: SweepSeries): ModelConfig | null {
  // the model as data in the steps' runs; sweeps of version 1 runs only had the flattened string
  const fromData = series.steps.find((step) => step.run.model)?.run.model?.config;
  const entries = fromData ? Object.entries(fromData) : series.modelConfig.split(/\s+/).map((kv) => kv.split('=')).filter((kv) => kv.length === 2).map(([k, v]) => [k!, Number(v)] as const);
  if (entries.length === 0) return null;
  try {
    return parseConfig(Object.fromEntries(entries));
  } catch {
    return null;
  }
}

export const asVariant = (name: string): Variant | null => ((VARIANTS as readonly string[]).includes(name) ? (name as Variant) : null);

/** Cost-model FLOPs and bytes per request at a hit rate (a hit skips the user pass). */
export function costPerRequest(config: ModelConfig, variant: Variant, candidates: number, hitRate: number): { flopsPerRequest: number; bytesPerRequest: number; weightBytes: number } {
  const n = Math.max(1, Math.round(candidates));
  const miss = requestCost({ config, variant, candidates: n });
  const hit = requestCost({ config, variant, candidates: n, userPassRan: false });
  const mix = (f: (c: typeof miss) => number) => hitRate * f(hit) + (1 - hitRate) * f(miss);
  return { flopsPerRequest: mix((c) => c.flops.total), bytesPerRequest: mix((c) => c.weightBytes + c.activationBytes), weightBytes: miss.weightBytes };
}
