/**
 * Compares two sides of repeated results files (A = before/baseline, B = after/candidate) run by
 * run: runs are paired by id (`variant@runtime`), every repeat's overall histogram is one sample,
 * and p50/p99 changes are judged by ./decide.ts on the union of the bootstrap interval
 * (./bootstrap.ts: sampling noise within runs) and the between-runs t interval
 * (./between-runs.ts: how much repeats of one side disagree). The pooled tails above p90 are
 * compared too (./tail-test.ts), reported beside the intervals.
 */
import type { BenchResults } from '../contract.ts';
import { bootstrapQuantileChange, type QuantileChange } from './bootstrap.ts';
import { betweenRunsInterval, type BetweenRunsInterval } from './between-runs.ts';
import { decide, type ChangeVerdict, type DecisionRule } from './decide.ts';
import { fromEncoded, type WeightedSample } from './sample.ts';
import { tailTest, type TailTest } from './tail-test.ts';

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
  changes: JudgedChange[];
  /** KS test on the pooled tails above side A's p90 */
  tail: TailTest;
}

/** low/high are the union of the two intervals below: the verdict rests on the wider one. */
export interface JudgedChange extends QuantileChange {
  verdict: ChangeVerdict;
  bootstrap: { low: number; high: number };
  /** undefined with fewer than 2 repeats on a side */
  betweenRuns: BetweenRunsInterval | undefined;
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
    runs.push(compareSamples(id, sa, sb, options));
  }
  return { runs, unmatched: [...new Set(unmatched)], rule: options.rule, confidence: options.confidence ?? 0.95 };
}

/** One run id: each side's repeats as samples (one per results file), judged quantile by quantile. */
export function compareSamples(runId: string, sa: readonly WeightedSample[], sb: readonly WeightedSample[], options: CompareOptions): RunComparison {
  const confidence = options.confidence ?? 0.95;
  const changes = bootstrapQuantileChange(sa, sb, {
    quantiles: options.quantiles ?? DEFAULT_QUANTILES,
    replicates: options.replicates,
    confidence,
    seed: options.seed,
  });
  const repeats = { a: sa.length, b: sb.length };
  const judged = changes.map((c): JudgedChange => {
    const betweenRuns = betweenRunsInterval(sa, sb, c.quantile, confidence);
    const low = Math.min(c.low, betweenRuns?.low ?? Infinity);
    const high = Math.max(c.high, betweenRuns?.high ?? -Infinity);
    const union = { ...c, low, high };
    const runsSeparate = betweenRuns ? betweenRuns.permutationP < 1 - confidence : undefined;
    return { ...union, verdict: decide(union, options.rule, repeats, runsSeparate), bootstrap: { low: c.low, high: c.high }, betweenRuns };
  });
  return { runId, repeatsA: sa.length, repeatsB: sb.length, changes: judged, tail: tailTest(sa, sb) };
}

export type OverallVerdict = 'regression' | 'inconclusive' | 'decided';

/** Any regression fails; otherwise any inconclusive quantile leaves the whole answer open. */
export function overallVerdict(comparison: Comparison): OverallVerdict {
  const verdicts = comparison.runs.flatMap((run) => run.changes.map((c) => c.verdict));
  if (verdicts.includes('regression')) return 'regression';
  return verdicts.includes('inconclusive') ? 'inconclusive' : 'decided';
}

export function hasRegression(comparison: Comparison): boolean {
  return comparison.runs.some((run) => run.changes.some((c) => c.verdict === 'regression'));
}

export function quantileLabel(q: number): string {
  return `p${String(Math.round(q * 1000) / 10).replace('.', '')}`;
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const ms = (us: number) => (us / 1000).toFixed(3);

/** `ugsep@ort p99 4.10 -> 4.42 ms  +7.8% [+5.9%, +9.6%]  regression  (repeats 5 vs 5; ...)` */
export function formatChange(run: RunComparison, c: JudgedChange): string {
  const parts = [`repeats ${run.repeatsA} vs ${run.repeatsB}`, `bootstrap [${pct(c.bootstrap.low)}, ${pct(c.bootstrap.high)}]`];
  if (c.betweenRuns) parts.push(`between runs [${pct(c.betweenRuns.low)}, ${pct(c.betweenRuns.high)}] df ${c.betweenRuns.df.toFixed(1)}, run permutation p ${c.betweenRuns.permutationP.toPrecision(2)}`);
  return `${run.runId.padEnd(28)} ${quantileLabel(c.quantile).padEnd(4)} ${ms(c.a)} -> ${ms(c.b)} ms  ${pct(c.relative)} [${pct(c.low)}, ${pct(c.high)}]  ${c.verdict}  (${parts.join('; ')})`;
}

/** `ugsep@ort tail>p90 KS D 0.331 p 1.2e-9 (n 1000 vs 1520 above 4.100 ms; share 10.0% vs 15.2%)  tail differs` */
export function formatTail(run: RunComparison): string {
  const t = run.tail;
  return `${run.runId.padEnd(28)} tail>${quantileLabel(t.fromQuantile)} KS D ${t.d.toFixed(3)} p ${t.p.toPrecision(2)}, run spread D ${t.runSpreadD.toFixed(3)} (n ${t.tailCountA} vs ${t.tailCountB} above ${ms(t.thresholdUs)} ms; share ${pct(t.tailShareA).slice(1)} vs ${pct(t.tailShareB).slice(1)})  ${t.verdict}`;
}

/** Every run's quantile lines, then its tail line; a legend first, warnings last. */
export function formatComparison(comparison: Comparison): string[] {
  const rule = comparison.rule;
  const lines = [
    `compare: ${Math.round(comparison.confidence * 100)}% interval of the change (union of the bootstrap and between-runs t intervals); tolerance ±${(rule.tolerance * 100).toFixed(1)}%, minimum effect ${ms(rule.minEffect)} ms, a change is declared with >= ${rule.minRepeats ?? 3} repeats per side whose runs separate (permutation p < ${(1 - comparison.confidence).toPrecision(2)})`,
  ];
  for (const run of comparison.runs) {
    for (const c of run.changes) lines.push(formatChange(run, c));
    lines.push(formatTail(run));
  }
  const tail = comparison.runs[0]?.tail;
  if (tail) lines.push(`tail test: two-sample Kolmogorov-Smirnov on requests above side A's ${quantileLabel(tail.fromQuantile)}, pooled over repeats; "tail differs" needs p < ${tail.alpha}, D >= ${tail.minD} and D above the run spread (the largest D of one run against the rest of its side) (reported, not gated)`);
  const fewest = Math.min(...comparison.runs.flatMap((run) => [run.repeatsA, run.repeatsB]));
  if (fewest < 3) {
    const consequence = fewest < (rule.minRepeats ?? 3) ? 'so a change beyond the tolerance is inconclusive' : 'so a verdict may reflect the machine, not the code';
    lines.push(`warning: fewer than 3 repeats on a side: the interval cannot see run-to-run noise (machine load, thermal), ${consequence}; compare with --repeats 5`);
  }
  for (const id of comparison.unmatched) lines.push(`${id.padEnd(28)} not compared: present on one side only or no completed requests`);
  return lines;
}

/** One JUnit case per run and quantile (only a regression fails) and one per run's tail test (informational). */
export function comparisonToJUnit(comparison: Comparison): import('./junit.ts').JUnitCase[] {
  return comparison.runs.flatMap((run) => [
    ...run.changes.map((c) => {
      const line = formatChange(run, c);
      return { name: `${run.runId} ${quantileLabel(c.quantile)} vs baseline`, classname: 'ugbench.compare', failure: c.verdict === 'regression' ? `regression: ${line}` : undefined, output: line };
    }),
    { name: `${run.runId} tail distribution vs baseline`, classname: 'ugbench.compare', output: formatTail(run) },
  ]);
}
