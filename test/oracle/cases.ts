/** The configs the independent oracle scores: one with Tu = Tg, one with Tu != Tg and Fu != Fg. */
import type { ModelConfig } from '../../models/config.ts';

export interface OracleCase {
  name: string;
  config: ModelConfig;
  weightsSeed: number;
  requestSeed: number;
  /** candidates per request, one request per entry (each with its own user) */
  candidates: number[];
}

export const ORACLE_CASES: readonly OracleCase[] = [
  { name: 'even', config: { T: 4, Tu: 2, D: 16, L: 2, k: 2, Fu: 8, Fg: 8 }, weightsSeed: 41, requestSeed: 141, candidates: [5, 1] },
  { name: 'uneven', config: { T: 6, Tu: 2, D: 24, L: 2, k: 3, Fu: 10, Fg: 8 }, weightsSeed: 42, requestSeed: 142, candidates: [4, 2] },
];
