/**
 * Compares two sides of repeated results files (A = before/baseline, B = after/candidate) run by
 * run: runs are paired by id (`variant@runtime`), every repeat's overall histogram is one sample,
 * and p50/p99 changes are judged by ./decide.ts on the interval from ./bootstrap.ts.
 */
import type { BenchResults } from '../contract.ts';
import { bootstrapQuantileChange, type QuantileChange } from './bootstrap.ts';
import { decide, type ChangeVerdict, type DecisionRule } from './decide.ts';
import { fromEncoded } from './sample.ts';

export interface CompareOptions {
  rule: DecisionRule;
  quantiles?: readonly number[];
  replicates?: number;
  confidence?: number;
  seed?: number;
}

export interface RunComparison {
  runId: string;
  /** repeats per side */
  repeatsA: number;
  repeatsB: number;
  changes: (QuantileChange & { verdict: ChangeVerdict })[];
}

export interface Comparison {
  runs: RunComparison[];
  /** run ids present on one side only */
  unmatched: string[];
  rule: DecisionRule;
  confidence: number;
}

export const DEFAULT_QUANTILES = [0.5, 0.99] as const;

export function compareResults(a: readonly BenchResults[], b: readonly BenchResults[], options: CompareOptions): Comparison {
  const idsA = new Set(a.flatMap((r) => r.runs.map((run) => run.id)));
  const idsB = new Set(b.flatMap((r) => r.runs.map((run) => run.id)));
  const shared = [...idsA].filter((id) => idsB.has(id));
  const unmatched = [...idsA, ...idsB].filter((id) => !(idsA.has(id) && idsB.has(id)));
  const samplesOf = (side: readonly BenchResults[], id: string) =>
    side.flatMap((r) => r.runs.filter((run) => run.id === id && run.latencyUs.overall.count > 0)).map((run) => fromEncoded(run.histograms.overall));
  const runs: RunComparison[] = [];
  for (const id of shared) {
    const sa = samplesOf(a, id);
    const sb = samplesOf(b, id);
    if (sa.length === 0 || sb.length === 0) {
      unmatched.push(id);
      continue;
    }
    const changes = bootstrapQuantileChange(sa, sb, {
      quantiles: options.quantiles ?? DEFAULT_QUANTILES,
      replicates: options.replicates,
      confidence: options.confidence,
      seed: options.seed,
    });
    runs.push({ runId: id, repeatsA: sa.length, repeatsB: sb.length, changes: changes.map((c) => ({ ...c, verdict: decide(c, options.rule) })) });
  }
  return { runs, unmatched: [...new Set(unmatched)], rule: options.rule, confidence: options.confidence ?? 0.95 };
}

export function hasRegression(comparison: Comparison): boolean {
  return comparison.runs.some((run) => run.changes.some((c) => c.verdict === 'regression'));
}

export function quantileLabel(q: number): string {
  return `p${String(Math.round(q * 1000) / 10).replace('.', '')}`;
}

/** One line per run and quantile: `ugsep@ort p99 4.10 -> 4.42 ms  +7.8% [+5.9%, +9.6%]  regression`. */
export function formatComparison(comparison: Comparison): string[] {
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  const ms = (us: number) => (us / 1000).toFixed(3);
  const lines = [
    `compare: ${Math.round(comparison.confidence * 100)}% bootstrap interval of the change; tolerance ±${(comparison.rule.tolerance * 100).toFixed(1)}%, minimum effect ${ms(comparison.rule.minEffect)} ms`,
  ];
  for (const run of comparison.runs) {
    for (const c of run.changes) {
      lines.push(
        `${run.runId.padEnd(28)} ${quantileLabel(c.quantile).padEnd(4)} ${ms(c.a)} -> ${ms(c.b)} ms  ${pct(c.relative)} [${pct(c.low)}, ${pct(c.high)}]  ${c.verdict}  (repeats ${run.repeatsA} vs ${run.repeatsB})`,
      );
    }
  }
  if (comparison.runs.some((run) => run.repeatsA < 3 || run.repeatsB < 3)) {
    lines.push('warning: fewer than 3 repeats on a side: the interval cannot see run-to-run noise (machine load, thermal), so a verdict may reflect the machine, not the code; use --repeats 5');
  }
  for (const id of comparison.unmatched) lines.push(`${id.padEnd(28)} not compared: present on one side only or no completed requests`);
  return lines;
}

/** One JUnit case per run and quantile; only a regression fails. */
export function comparisonToJUnit(comparison: Comparison): import('./junit.ts').JUnitCase[] {
  const lines = formatComparison(comparison).slice(1);
  let i = 0;
  return comparison.runs.flatMap((run) =>
    run.changes.map((c) => ({
      name: `${run.runId} ${quantileLabel(c.quantile)} vs baseline`,
      classname: 'ugbench.compare',
      failure: c.verdict === 'regression' ? `regression: ${lines[i] ?? ''}`.trim() : undefined,
      output: lines[i++],
    })),
  );
}
