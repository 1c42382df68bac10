/**
 * Finite weights and float32 inputs can still overflow inside the model (values near FLOAT32_MAX
 * summed in a product): such a request is an error on every path that scores through the pool
 * (in-process bench and server), never a success whose scores print as null.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createInstancePool } from '../../models/instances/pool.ts';
import { presetConfig } from '../../models/presets.ts';
import { createCachedScorer } from '../../models/sut/cached-scorer.ts';
import { VARIANTS } from '../../models/variants.ts';
import { generateWeights } from '../../models/weights/generate.ts';
import { writeSafetensors } from '../../models/weights/safetensors.ts';

const config = presetConfig('tiny');

async function scoreWith(tokenizerWeight: number): Promise<{ ok: boolean; error?: string; scores?: Float32Array }> {
  const weights = generateWeights(config, { seed: 3 });
  weights.tokUserWeight.fill(tokenizerWeight); // finite, so the load-time check passes
  const path = join(mkdtempSync(join(tmpdir(), 'ugbench-overflow-')), 'w.safetensors');
  writeSafetensors(path, weights);
  const pool = await createInstancePool({ spec: { runtime: 'reference', variant: 'baseline', weights: { weightsPath: path }, weightVariants: VARIANTS, options: {} } });
  try {
    const outcome = await createCachedScorer<number>(pool).score(undefined, new Float32Array(config.Fu).fill(10), new Float32Array(2 * config.Fg).fill(1));
    return outcome.ok ? { ok: true, scores: outcome.scores } : { ok: false, error: outcome.error };
  } finally {
    await pool.close();
  }
}

describe('scores that overflow float32', () => {
  it('are an error naming the first bad score', async () => {
    const outcome = await scoreWith(3e38);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBe('scores[0]: expected a finite float32, got NaN (2 non-finite values in all) (the model overflowed float32 on this request)');
  });
  it('control: the same request with ordinary weights succeeds with finite scores', async () => {
    const outcome = await scoreWith(0.1);
    expect(outcome.ok).toBe(true);
    expect(Array.from(outcome.scores!).every(Number.isFinite)).toBe(true);
  });
});
