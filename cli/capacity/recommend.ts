/**
 * The recommendation a manager reads first: the measured variant and configuration that needs
 * the fewest replicas at the target (ties: the higher peak), and each other variant's best for
 * comparison. Only measured series count; a series whose self-check disagrees is flagged.
 */
import type { SeriesCapacity } from './build.ts';

export interface Choice {
  id: string;
  variant: string;
  config: string;
  peakQps: number;
  replicas: number;
  costPerMillionCandidates: number | null;
  cacheBytes: number | null;
  consistent: boolean;
}

export interface Recommendation {
  /** null when no measured series met the SLO at any rate */
  best: Choice | null;
  /** the best configuration of every variant that met the SLO, fewest replicas first */
  perVariant: Choice[];
  /** variants that met the SLO at no rate tried */
  none: string[];
}

export function recommend(series: readonly SeriesCapacity[]): Recommendation {
  const choices: Choice[] = series.flatMap((s) =>
    s.plan && s.peakQps !== null
      ? [{ id: s.id, variant: s.variant, config: s.config, peakQps: s.peakQps, replicas: s.plan.replicas, costPerMillionCandidates: s.plan.costPerMillionCandidates, cacheBytes: s.plan.cacheBytes, consistent: s.consistency?.agrees ?? false }]
      : [],
  );
  const order = (a: Choice, b: Choice) => a.replicas - b.replicas || b.peakQps - a.peakQps;
  const perVariant = [...new Set(choices.map((c) => c.variant))].map((v) => choices.filter((c) => c.variant === v).sort(order)[0]!).sort(order);
  const none = [...new Set(series.map((s) => s.variant))].filter((v) => !perVariant.some((c) => c.variant === v));
  return { best: perVariant[0] ?? null, perVariant, none };
}
