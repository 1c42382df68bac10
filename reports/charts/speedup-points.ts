/**
 * The data of the speedup chart. Measured: the paired median service-time ratio per candidate
 * bucket with its 95% bootstrap interval (`results.paired`, reports/paired.ts); files without a
 * paired phase give the run-level service-time p50 ratio to baseline on the same runtime (the
 * console's `model x`). Predicted: the paired buckets' own FLOP and roofline ratios, else the
 * cost model's curve from the results' coefficients (harness/results/model.ts).
 */
import { predictedSpeedup as speedupFromModel } from '../../harness/results/model.ts';
import { bucketMidCandidates, candidateBuckets, pairedOf } from '../paired.ts';
import { hasCompensation, isSplitVariant, predictedSpeedup, speedupShape } from '../predict.ts';
import type { RunRow } from '../runs.ts';
import { round } from './spec.ts';

export interface MeasuredSpeedup {
  source: string;
  /** `${variant} over ${over}` (with the source when several files) */
  pair: string;
  variant: string;
  over: string;
  bucket: string;
  candidates: number;
  ratio: number;
  lo95: number | null;
  hi95: number | null;
  n: number;
}

export interface PredictedSpeedup {
  pair: string;
  variant: string;
  candidates: number;
  speedup: number;
  kind: string;
}

/** One entry per file: the paired rows of the first run of that file stand for the file. */
function firstRowPerFile(rows: RunRow[]): RunRow[] {
  const seen = new Set<number>();
  return rows.filter((r) => !seen.has(r.fileIndex) && seen.add(r.fileIndex));
}

function pairLabel(source: string, variant: string, over: string): string {
  return `${source ? `${source} ` : ''}${variant} over ${over}`;
}

/** Paired speedups per bucket, and the buckets' predicted ratios; empty when no file has a paired phase. */
export function pairedSpeedups(rows: RunRow[]): { measured: MeasuredSpeedup[]; predicted: PredictedSpeedup[] } {
  const measured: MeasuredSpeedup[] = [];
  const predicted: PredictedSpeedup[] = [];
  for (const row of firstRowPerFile(rows)) {
    const paired = pairedOf(row.results);
    if (!paired) continue;
    for (const b of candidateBuckets(paired)) {
      const candidates = round(bucketMidCandidates(b));
      for (const s of b.speedups) {
        const pair = pairLabel(row.source, s.variant, s.over);
        measured.push({ source: row.source, pair, variant: s.variant, over: s.over, bucket: b.bucket, candidates, ratio: round(s.ratio, 4), lo95: round(s.lo95, 4), hi95: round(s.hi95, 4), n: b.n });
        if (s.predictedFlopRatio !== undefined) predicted.push({ pair, variant: s.variant, candidates, speedup: round(s.predictedFlopRatio, 4), kind: 'FLOP ratio' });
        if (s.predictedRooflineRatio !== undefined) predicted.push({ pair, variant: s.variant, candidates, speedup: round(s.predictedRooflineRatio, 4), kind: 'roofline ratio' });
      }
    }
  }
  return { measured, predicted };
}

/** Without a paired phase: service-time p50 of baseline / of the variant, same file and runtime. */
export function serviceRatioSpeedups(rows: RunRow[]): MeasuredSpeedup[] {
  const out: MeasuredSpeedup[] = [];
  for (const row of rows) {
    if (row.variant === 'baseline') continue;
    const base = rows.find((b) => b.fileIndex === row.fileIndex && b.runtime === row.runtime && b.variant === 'baseline');
    const mine = row.run.sutTimingsUs?.service;
    const theirs = base?.run.sutTimingsUs?.service;
    if (!mine || !theirs || mine.p50Us <= 0) continue;
    const pair = `${row.group} over baseline`;
    out.push({ source: row.source, pair, variant: row.variant, over: 'baseline', bucket: 'all', candidates: round(row.meanCandidates), ratio: round(theirs.p50Us / mine.p50Us, 4), lo95: null, hi95: null, n: Math.min(mine.count, theirs.count) });
  }
  return out;
}

/** Candidate counts the predicted curve is drawn at (log-spaced). */
function curveCandidates(maxCandidates: number): number[] {
  const out: number[] = [];
  for (let n = 1; n <= maxCandidates; n = Math.ceil(n * 1.25)) out.push(n);
  return out;
}

/** The cost model's FFN speedup over baseline, one curve per distinct model shape of a split variant. */
export function modelCurves(rows: RunRow[], maxCandidates: number): PredictedSpeedup[] {
  const curves: PredictedSpeedup[] = [];
  const drawn = new Set<string>();
  for (const row of rows) {
    if (!isSplitVariant(row.variant)) continue;
    const model = row.run.model;
    const shape = model ? null : speedupShape(row.modelConfig);
    const comp = model ? Boolean(model.traits['compensation']) : hasCompensation(row.variant);
    if (model && !model.traits['masked']) continue;
    if (!model && !shape) continue;
    const key = model ? JSON.stringify([model.cost.computed.flops, model.baselineCost.flops]) : JSON.stringify([shape, comp]);
    if (drawn.has(key)) continue;
    drawn.add(key);
    const config = model?.config ?? row.modelConfig ?? {};
    const pair = `predicted T=${config['T']} Tu=${config['Tu']}${comp ? '' : ' no comp'}`;
    for (const n of curveCandidates(maxCandidates)) {
      const speedup = model ? speedupFromModel(model, n) : predictedSpeedup(shape!, n, comp);
      curves.push({ pair, variant: row.variant, candidates: n, speedup: round(speedup, 4), kind: 'cost model (FFN FLOPs)' });
    }
  }
  return curves;
}
