import { describe, expect, it } from 'vitest';
import { configProblems, parseConfig } from '../../models/config.ts';
import { PRESETS, PRESET_NAMES, presetConfig } from '../../models/presets.ts';
import { InputError } from '../../harness/errors.ts';
import { requestCost } from '../../models/cost.ts';

describe('model config', () => {
  it('reports every violation at once as `field: expected X, got Y`', () => {
    const problems = configProblems({ T: 4, Tu: 4, D: 10, L: 0, k: 2, Fu: 7, Fg: 'x', extra: 1 });
    expect(problems).toEqual([
      'L: expected integer >= 1, got 0',
      'Fg: expected integer >= 1, got "x"',
      'extra: expected one of T, Tu, D, L, k, Fu, Fg, got an unknown field',
      'Tu: expected integer in [1, T-1] = [1, 3], got 4',
      'D: expected a multiple of T=4, got 10',
      'Fu: expected a multiple of Tu=4, got 7',
    ]);
  });

  it('checks Fg against Tg and rejects non-objects', () => {
    expect(configProblems({ T: 4, Tu: 1, D: 16, L: 1, k: 1, Fu: 3, Fg: 4 })).toEqual(['Fg: expected a multiple of Tg=T-Tu=3, got 4']);
    expect(configProblems([1, 2])[0]).toMatch(/^config: expected an object/);
    expect(() => parseConfig({ T: 1 })).toThrow(InputError);
  });

  it('has valid presets with the published shapes', () => {
    for (const name of PRESET_NAMES) expect(configProblems(PRESETS[name].config)).toEqual([]);
    expect(presetConfig('small')).toMatchObject({ T: 16, Tu: 8, D: 256, L: 2, k: 4 });
    expect(presetConfig('rankmixer-100m')).toMatchObject({ T: 16, D: 768, L: 2, k: 4 });
    expect(presetConfig('rankmixer-1b')).toMatchObject({ T: 32, D: 1536, L: 2, k: 4 });
    // wide is the memory-bound case: ~1 GB of fp32 FFN weights
    const wideBytes = requestCost({ config: presetConfig('wide'), variant: 'baseline', candidates: 1 }).weightBytes;
    expect(wideBytes).toBeGreaterThan(1e9);
    expect(wideBytes).toBeLessThan(1.3e9);
    expect(() => presetConfig('huge')).toThrow(/preset: expected one of tiny, small, wide, rankmixer-100m, rankmixer-1b, got "huge"/);
  });
});
