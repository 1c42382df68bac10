/**
 * Results in the shape the session contract gives helper 15a's work (harness/results/contract.ts
 * `paired`, the `candidates` tag): test/fixtures/make-results.ts plus, per run, a latency and
 * service histogram per candidate bucket, and a paired comparison whose per-bucket speedups are
 * known numbers, so chart tests can assert the plotted values equal them.
 */
import { createLatencyHistogram, encodeHistogram, recordUs, summarize } from '../../harness/loadgen/histogram.ts';
import type { BenchResults, SplitFacts } from '../../harness/results/contract.ts';
import type { PairedBucketFacts, PairedFacts } from '../../reports/paired.ts';
import { makeResults, type FixtureOptions } from '../fixtures/make-results.ts';

export const BUCKETS = [
  { bucket: '8-15', lo: 8, hi: 15 },
  { bucket: '16-31', lo: 16, hi: 31 },
  { bucket: '32-63', lo: 32, hi: 63 },
  { bucket: '64-127', lo: 64, hi: 127 },
  { bucket: '128-191', lo: 128, hi: 191 },
  { bucket: '192-256', lo: 192, hi: 256 },
];

/** service time of one request, µs: a + b N per variant (baseline grows fastest) */
const COST: Record<string, { a: number; b: number }> = { baseline: { a: 2000, b: 400 }, ugsep: { a: 2500, b: 150 }, 'ugsep-w8a16': { a: 2200, b: 120 } };
const serviceUs = (variant: string, n: number): number => COST[variant]!.a + COST[variant]!.b * n;

function histogramFacts(values: number[]): { histogram: string; summary: ReturnType<typeof summarize> } {
  const h = createLatencyHistogram();
  for (const v of values) recordUs(h, v);
  return { histogram: encodeHistogram(h), summary: summarize(h) };
}

function bucketSplit(variant: string, lo: number, hi: number, requests: number): SplitFacts {
  const candidates = Array.from({ length: requests }, (_v, i) => lo + ((i * 7) % (hi - lo + 1)));
  const service = candidates.map((n, i) => serviceUs(variant, n) * (1 + 0.02 * ((i % 5) - 2)));
  const latency = service.map((s, i) => s + 500 + 100 * (i % 7)); // plus queueing
  return { completed: requests, errored: 0, candidates: candidates.reduce((a, b) => a + b, 0), latencyUs: histogramFacts(latency), timingsUs: { service: histogramFacts(service) }, with: {} };
}

const PAIRS = [
  { variant: 'ugsep', over: 'baseline' },
  { variant: 'ugsep-w8a16', over: 'baseline' },
  { variant: 'ugsep-w8a16', over: 'ugsep' },
];

function pairedBucket(bucket: string, lo: number, hi: number, n: number): PairedBucketFacts {
  const mid = Math.sqrt(lo * hi);
  const medianServiceUs = Object.fromEntries(Object.keys(COST).map((v) => [v, serviceUs(v, mid)]));
  const speedups = PAIRS.map(({ variant, over }) => {
    const ratio = medianServiceUs[over]! / medianServiceUs[variant]!;
    return { variant, over, ratio, lo95: ratio * 0.95, hi95: ratio * 1.04, resamples: 1000, predictedFlopRatio: ratio * 1.2, predictedRooflineRatio: ratio * 1.1 };
  });
  return { bucket, loCandidates: lo, hiCandidates: hi, n, medianServiceUs, speedups };
}

export function pairedResults(options: FixtureOptions & { bucketRequests?: number } = {}): BenchResults {
  const results = makeResults(options);
  const perBucket = options.bucketRequests ?? 40;
  for (const run of results.runs) {
    run.tags = { ...(run.tags ?? {}), candidates: Object.fromEntries(BUCKETS.map((b) => [b.bucket, bucketSplit(run.variant, b.lo, b.hi, perBucket)])) };
    const all = histogramFacts(BUCKETS.flatMap((b) => Array.from({ length: perBucket }, () => serviceUs(run.variant, (b.lo + b.hi) / 2))));
    run.timingsUs = { service: all };
    run.sutTimingsUs = { service: all.summary };
  }
  const paired: PairedFacts = {
    seed: 42,
    runtime: 'ort-cpu',
    variants: ['baseline', 'ugsep', 'ugsep-w8a16'],
    cache: 'bypassed',
    samples: [],
    buckets: [...BUCKETS.map((b) => pairedBucket(b.bucket, b.lo, b.hi, 12)), pairedBucket('all', 8, 256, 72)],
  };
  return { ...results, paired };
}
