/**
 * `ugbench compare results.json --variants A,B`: is variant B slower than variant A, from the
 * paired samples of one results file (every sampled request scored by both, back to back)? Per
 * candidate bucket and over all samples, the change of B's median service time relative to A's
 * with its bootstrap interval (harness/results/paired.ts, pairs kept together), judged by the
 * compare decision rule (./decide.ts). The verdict is the `all` entry's; buckets are reported.
 */
import { InputError } from '../../errors.ts';
import type { BenchResults } from '../contract.ts';
import { ALL_BUCKET, pairedComparison } from '../paired.ts';
import { decide, type ChangeVerdict, type DecisionRule } from './decide.ts';
import type { QuantileChange } from './bootstrap.ts';

export interface VariantChange {
  bucket: string;
  n: number;
  /** B's speedup over A: median(A) / median(B), with its interval */
  speedup: { ratio: number; low: number; high: number };
  /** relative change of B's median over A's, with its interval, as `compare` judges it */
  change: QuantileChange;
  verdict: ChangeVerdict;
}

export interface VariantComparison {
  a: string;
  b: string;
  runtime: string;
  confidence: number;
  buckets: VariantChange[];
  /** the `all` entry's verdict */
  verdict: ChangeVerdict;
}

export interface VariantCompareOptions {
  rule: DecisionRule;
  confidence: number;
  replicates: number;
  seed: number;
}

export function compareVariants(results: BenchResults, a: string, b: string, file: string, o: VariantCompareOptions): VariantComparison {
  const p = results.paired;
  if (!p) throw new InputError(file, [`paired: expected the paired samples of a bench (ugbench bench without --paired 0, not a shard), got none`]);
  const missing = [a, b].filter((v) => !p.variants.includes(v));
  if (missing.length > 0 || a === b) throw new InputError('compare', [`--variants: expected two different variants of ${p.variants.join(', ')}, got ${a},${b}`]);
  const buckets = p.buckets.filter((x) => x.bucket !== ALL_BUCKET).map((x) => ({ label: x.bucket, loCandidates: x.loCandidates, hiCandidates: x.hiCandidates }));
  const stats = pairedComparison({ seed: o.seed, runtime: p.runtime, variants: [a, b], samples: p.samples, buckets, pairs: [{ variant: b, over: a }], resamples: o.replicates, confidence: o.confidence });
  const changes = stats.buckets.map((x): VariantChange => {
    const s = x.speedups[0]!;
    const medianA = x.medianServiceUs[a]!;
    const medianB = x.medianServiceUs[b]!;
    // B / A - 1 = 1 / speedup - 1: the interval's ends swap
    const change: QuantileChange = { quantile: 0.5, a: medianA, b: medianB, relative: medianB / medianA - 1, low: 1 / s.hi95 - 1, high: 1 / s.lo95 - 1 };
    return { bucket: x.bucket, n: x.n, speedup: { ratio: s.ratio, low: s.lo95, high: s.hi95 }, change, verdict: decide(change, o.rule) };
  });
  const all = changes.find((c) => c.bucket === ALL_BUCKET);
  return { a, b, runtime: p.runtime, confidence: o.confidence, buckets: changes, verdict: all?.verdict ?? 'inconclusive' };
}

export function formatVariantComparison(c: VariantComparison): string[] {
  const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  const width = Math.max('candidates'.length, ...c.buckets.map((x) => x.bucket.length));
  const level = `${Math.round(c.confidence * 100)}%`;
  const lines = [
    `paired comparison on ${c.runtime}: ${c.b} vs ${c.a}, median service time per request bucket (${level} bootstrap interval)`,
    `${'candidates'.padEnd(width)}  ${'n'.padStart(4)}  ${`${c.b} / ${c.a} x`.padEnd(26)}  ${'change of median'.padEnd(30)}  verdict`,
  ];
  for (const x of c.buckets) {
    const speedup = `${x.speedup.ratio.toFixed(2)} [${x.speedup.low.toFixed(2)}, ${x.speedup.high.toFixed(2)}]`;
    const change = `${pct(x.change.relative)} [${pct(x.change.low)}, ${pct(x.change.high)}]`;
    lines.push(`${x.bucket.padEnd(width)}  ${String(x.n).padStart(4)}  ${speedup.padEnd(26)}  ${change.padEnd(30)}  ${x.verdict}`);
  }
  lines.push(`verdict (all requests): ${c.verdict}; x = ${c.b}'s speedup over ${c.a} (median of ${c.a} / median of ${c.b})`);
  return lines;
}
