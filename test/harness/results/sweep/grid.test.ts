/** The search grid (harness/results/sweep/grid.ts): fits the cores, parses labels, picks the best per variant. */
import { describe, expect, it } from 'vitest';
import { bestPerVariant, defaultGrid, parseGrid } from '../../../../harness/results/sweep/grid.ts';

describe('configuration grid', () => {
  it('on 2 cores: i1-t1, i1-t2, i2-t1 (instances x threads <= cores), times the batching axis', () => {
    expect(defaultGrid(2).map((c) => c.label)).toEqual(['i1-t1', 'i1-t2', 'i2-t1']);
    expect(defaultGrid(4).every((c) => c.instances * c.threads! <= 4)).toBe(true);
    const batched = defaultGrid(2, [undefined, { maxBatch: 4, maxQueueDelayUs: 2000 }]).map((c) => c.label);
    expect(batched).toEqual(['i1-t1', 'i1-t1-b4-d2000', 'i1-t2', 'i1-t2-b4-d2000', 'i2-t1', 'i2-t1-b4-d2000']);
  });

  it('parses labels back; a bad entry is named', () => {
    expect(parseGrid('i2-t1, i1-t2-b8-d500')).toEqual({ grid: [{ label: 'i2-t1', instances: 2, threads: 1 }, { label: 'i1-t2-b8-d500', instances: 1, threads: 2, batching: { maxBatch: 8, maxQueueDelayUs: 500 } }] });
    expect(parseGrid('i2-t1,i0-t1')).toEqual({ bad: 'i0-t1' });
    expect(parseGrid('')).toEqual({ bad: '' });
  });

  it('best per variant by peak; none when no configuration sustained any rate', () => {
    const best = bestPerVariant([
      { id: 'ugsep@ort i1-t2', variant: 'ugsep', runtime: 'ort', peakQps: 40 },
      { id: 'ugsep@ort i2-t1', variant: 'ugsep', runtime: 'ort', peakQps: 55 },
      { id: 'baseline@ort i1-t2', variant: 'baseline', runtime: 'ort', peakQps: null },
    ]);
    expect(best).toEqual([
      { variant: 'ugsep', runtime: 'ort', seriesId: 'ugsep@ort i2-t1', peakQps: 55 },
      { variant: 'baseline', runtime: 'ort', seriesId: null, peakQps: null },
    ]);
  });
});
