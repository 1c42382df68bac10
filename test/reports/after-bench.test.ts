/** What bench calls after writing results: the report beside the results, and never a thrown error. */
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAfterBench } from '../../cli/commands/report.ts';

describe('renderAfterBench', () => {
  it('writes report.html and the PNGs beside results.json and returns lines naming them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ugbench-after-'));
    process.env.UGBENCH_CACHE_DIR = path.join(dir, 'empty-cache'); // no limits: the report still renders
    copyFileSync(new URL('../fixtures/results-small.json', import.meta.url), path.join(dir, 'results.json'));
    const out = await renderAfterBench(path.join(dir, 'results.json'), { measureLimits: false });
    expect(out.html).toBe(path.join(dir, 'report.html'));
    expect(existsSync(out.html!)).toBe(true);
    expect(out.pngs).toHaveLength(4); // the fixture: one rate and one candidate mix give tables, not lone points
    expect(out.text).toContain(`report written to ${out.html}`);
    expect(out.text).toContain('roofline.png');
  });

  it('turns a failure into a warning line instead of failing the finished bench', async () => {
    const out = await renderAfterBench(path.join(os.tmpdir(), 'no-such-dir', 'results.json'), { measureLimits: false });
    expect(out.html).toBeNull();
    expect(out.text).toMatch(/^ugbench: warning: the report could not be rendered/);
  });
});
