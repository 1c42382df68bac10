/** Reading the committed oracle fixture: weights (project reader), requests and golden scores. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelConfig } from '../../models/config.ts';
import type { Variant } from '../../models/variants.ts';
import type { ModelWeights } from '../../models/weights/layout.ts';
import { readSafetensors } from '../../models/weights/safetensors.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface GoldenRequest {
  user: Float32Array; // [Fu]
  group: Float32Array; // [N, Fg]
  candidates: number;
}

export interface GoldenCase {
  name: string;
  config: ModelConfig;
  weights: ModelWeights;
  requests: GoldenRequest[];
  /** oracle scores per variant, one array per request: [requests][N] */
  scores: Record<Variant, number[][]>;
}

interface GoldenFile {
  cases: Record<string, { config: ModelConfig; scores: Record<Variant, number[][]> }>;
}

export function loadGoldenCases(): GoldenCase[] {
  const golden = JSON.parse(readFileSync(path.join(fixtures, 'golden.json'), 'utf8')) as GoldenFile;
  return Object.entries(golden.cases).map(([name, c]) => {
    const inputs = JSON.parse(readFileSync(path.join(fixtures, `${name}.inputs.json`), 'utf8')) as {
      requests: Array<{ user: number[]; group: number[]; candidates: number }>;
    };
    return {
      name,
      config: c.config,
      weights: readSafetensors(path.join(fixtures, `${name}.safetensors`)),
      requests: inputs.requests.map((r) => ({ user: Float32Array.from(r.user), group: Float32Array.from(r.group), candidates: r.candidates })),
      scores: c.scores,
    };
  });
}

/** max over all requests of |got - golden| / |golden| */
export function maxRelDiffToGolden(got: readonly Float32Array[], golden: readonly number[][]): number {
  let max = 0;
  got.forEach((scores, r) => {
    const expected = golden[r]!;
    if (scores.length !== expected.length) throw new Error(`request ${r}: ${scores.length} scores, golden has ${expected.length}`);
    scores.forEach((s, i) => {
      max = Math.max(max, Math.abs(s - expected[i]!) / Math.abs(expected[i]!));
    });
  });
  return max;
}
