/**
 * The grid `ugbench surface` measures: candidate counts x user-cache hit rates, plus the per-cell
 * request budget. Defaults span the scenario's own candidate range; every flag is checked here
 * and a bad one is bad input naming the flag (exit 104).
 */
import { InputError } from '../../harness/errors.ts';
import { MAX_CANDIDATES_PER_REQUEST } from '../../harness/scenario/limits.ts';
import type { CandidatesSpec } from '../../harness/scenario/schema.ts';
import type { ReuseSurface } from '../../harness/results/contract.ts';

/** the grid as the results file records it (ascending, distinct lists) */
export type SurfaceGrid = ReuseSurface['grid'];

export interface GridFlags {
  candidates?: string;
  hitRates?: string;
  requests?: string;
  warmupRequests?: string;
  maxCellS?: string;
}

/** Counts in the default grid, geometric over the scenario's range (fewer when the range is narrow). */
export const DEFAULT_COUNTS = 6;
export const DEFAULT_HIT_RATES = [0, 0.5, 0.9, 1];
export const DEFAULT_REQUESTS_PER_CELL = 20;
export const DEFAULT_WARMUP_REQUESTS_PER_CELL = 2;
export const DEFAULT_MAX_CELL_S = 5;
/** a mean over fewer requests than this is too noisy to fit */
export const MIN_REQUESTS_PER_CELL = 3;
/** bounds the run: cells x variants x requests is the time it takes */
export const MAX_CELLS = 200;

/** The scenario's candidate range: [min, max] of its distribution (a fixed count: [count/8, count]). */
export function candidateRange(spec: CandidatesSpec): [number, number] {
  switch (spec.distribution) {
    case 'fixed':
      return [Math.max(1, Math.ceil(spec.count / 8)), spec.count];
    case 'uniform':
    case 'lognormal':
      return [spec.min, spec.max];
    case 'quantiles': {
      const counts = spec.table.map((p) => Math.max(1, p.count));
      return [Math.min(...counts), Math.max(...counts)];
    }
  }
}

/** `count` geometric points from lo to hi, rounded to integers, distinct. */
export function geometricCounts(lo: number, hi: number, count: number = DEFAULT_COUNTS): number[] {
  if (hi <= lo) return [lo];
  const out = Array.from({ length: count }, (_, i) => Math.round(lo * (hi / lo) ** (i / (count - 1))));
  return [...new Set(out)];
}

function list(flag: string, text: string, parse: (item: string) => number | string): number[] {
  const items = text.split(',').map((s) => s.trim());
  const values: number[] = [];
  for (const item of items) {
    const v = parse(item);
    if (typeof v === 'string') throw new InputError('surface', [`${flag}: expected ${v}, got ${JSON.stringify(item)}`]);
    values.push(v);
  }
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  if (distinct.length < 2) throw new InputError('surface', [`${flag}: expected at least two distinct values (the fit needs them), got ${JSON.stringify(text)}`]);
  return distinct;
}

const integerIn =
  (lo: number, hi: number, what = 'an integer') =>
  (s: string): number | string =>
    /^[0-9]+$/.test(s) && Number(s) >= lo && Number(s) <= hi ? Number(s) : `${what} in [${lo}, ${hi}]`;
const rate = (s: string): number | string => (s !== '' && Number.isFinite(Number(s)) && Number(s) >= 0 && Number(s) <= 1 ? Number(s) : 'comma-separated numbers in [0, 1]');

function scalar(flag: string, text: string | undefined, fallback: number, parse: (s: string) => number | string): number {
  if (text === undefined) return fallback;
  const v = parse(text.trim());
  if (typeof v === 'string') throw new InputError('surface', [`${flag}: expected ${v}, got ${JSON.stringify(text)}`]);
  return v;
}

export function surfaceGrid(flags: GridFlags, spec: CandidatesSpec): SurfaceGrid {
  const [lo, hi] = candidateRange(spec);
  const candidates = flags.candidates === undefined ? geometricCounts(lo, hi) : list('--candidates', flags.candidates, integerIn(1, MAX_CANDIDATES_PER_REQUEST, 'comma-separated integers'));
  if (candidates.length < 2) throw new InputError('surface', [`--candidates: expected at least two counts, got the scenario's single count ${lo}: pass --candidates`]);
  const hitRates = flags.hitRates === undefined ? DEFAULT_HIT_RATES : list('--hit-rates', flags.hitRates, rate);
  if (candidates.length * hitRates.length > MAX_CELLS) {
    throw new InputError('surface', [`--candidates x --hit-rates: expected at most ${MAX_CELLS} cells, got ${candidates.length} x ${hitRates.length} = ${candidates.length * hitRates.length}`]);
  }
  const requestsPerCell = scalar('--requests', flags.requests, DEFAULT_REQUESTS_PER_CELL, integerIn(MIN_REQUESTS_PER_CELL, 100_000));
  const warmupRequestsPerCell = scalar('--warmup-requests', flags.warmupRequests, DEFAULT_WARMUP_REQUESTS_PER_CELL, integerIn(0, 10_000));
  const maxCellS = scalar('--max-cell-s', flags.maxCellS, DEFAULT_MAX_CELL_S, (s) => (Number.isFinite(Number(s)) && Number(s) > 0 && Number(s) <= 3600 && s !== '' ? Number(s) : 'a number of seconds in (0, 3600]'));
  return { candidates, hitRates, requestsPerCell, warmupRequestsPerCell, maxCellS, minRequestsPerCell: MIN_REQUESTS_PER_CELL };
}
