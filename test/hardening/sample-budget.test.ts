/**
 * The model-aware half of the scenario bounds: the sample library knows Fu and Fg, so a plan
 * whose tensors cannot fit is refused before anything is allocated, naming the scenario field.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import { presetConfig } from '../../models/presets.ts';
import { prepareRequestSamples, GROUP_POOL_SIZE } from '../../models/sut/samples.ts';

describe('sample library budget', () => {
  const config = { ...presetConfig('tiny'), Fu: 1536, Fg: 1536 }; // the largest preset's feature widths
  it('refuses 65,536 candidates per request at Fg = 1536 (3 GiB of buffers) naming traffic.candidates', () => {
    const plan = { count: 2, userId: [1, 2], candidates: [10, 65_536] };
    expect(() => prepareRequestSamples(config, 1, plan)).toThrow(
      new InputError('scenario', [`traffic.candidates: expected at most 21845 candidates per request with Fg = 1536 (${GROUP_POOL_SIZE} buffers of [N, Fg] float32 within half of the sample library's 2147483648 bytes), got 65536`]),
    );
  });
  it('refuses more distinct users than their feature rows can hold, naming traffic.users.size', () => {
    const count = 200_000;
    const plan = { count, userId: Uint32Array.from({ length: count }, (_, i) => i + 1), candidates: new Uint32Array(count).fill(1) };
    expect(() => prepareRequestSamples(config, 1, plan)).toThrow(/^scenario: traffic\.users\.size: expected at most 174762 distinct users in the plan with Fu = 1536/);
  });
  it('accepts a plan within the budget', () => {
    expect(prepareRequestSamples(config, 1, { count: 2, userId: [1, 2], candidates: [3, 100] }).bytes).toBe(2 * 1536 * 4 + GROUP_POOL_SIZE * 100 * 1536 * 4);
  });
});
