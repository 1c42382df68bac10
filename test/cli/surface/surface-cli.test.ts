/**
 * `ugbench surface` end to end on the tiny preset with a small grid: the results JSON is written
 * (and validates against the published schema), every variant has finite coefficients, the cells
 * realise the hit rates asked for, and the chart spec plots exactly the measured cell means.
 * Bad flags exit 104 naming the flag and write nothing.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../../../harness/results/contract.ts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { RESULTS_SCHEMA_FILE } from '../../../cli/schema/write-results-schema.ts';
import { runCli } from '../run-cli.ts';

function resultsValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  return ajv.compile(JSON.parse(readFileSync(RESULTS_SCHEMA_FILE, 'utf8')) as object);
}

interface Row {
  kind: string;
  series: string;
  candidates: number;
  serviceMs: number;
}

describe('ugbench surface (end to end, tiny)', () => {
  it('writes surface.json with finite fits and a chart of the measured points', () => {
    const out = mkdtempSync(join(tmpdir(), 'ugbench-surface-'));
    const r = runCli(['surface', '--preset', 'tiny', '--runtime', 'reference', '--candidates', '2,8,32', '--hit-rates', '0,0.5,1', '--requests', '4', '--warmup-requests', '1', '--out', out]);
    expect(r.stderr).not.toContain('crashed');
    expect(r.status).toBe(0);
    const file = join(out, 'surface.json');
    expect(r.stdout).toContain(`results written to ${file}`);
    const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
    const validate = resultsValidator();
    expect(validate(results), JSON.stringify(validate.errors)).toBe(true);
    const surface = results.surface!;
    expect(surface.grid.candidates).toEqual([2, 8, 32]);
    expect(surface.variants.map((v) => v.variant)).toEqual(['baseline', 'ugsep', 'ugsep-w8a16']);
    for (const v of surface.variants) {
      expect(v.runtime).toBe('reference');
      expect(v.cells).toHaveLength(v.cacheUsed ? 9 : 3);
      for (const c of v.cells) {
        expect(c.n).toBe(4);
        expect(c.errored).toBe(0);
        // every miss is a new user; hits re-send the previous one (with all hits, the warm-up's)
        expect(c.users).toBe(v.cacheUsed ? Math.max(1, c.misses) : 4);
        expect(c.serviceUs.meanUs).toBeGreaterThan(0);
        if (v.cacheUsed) expect(c.hitRate).toBe(c.targetHitRate); // 0, 2 of 4, 4 of 4 hits: as planned
      }
      const fit = v.fit!;
      expect(Number.isFinite(fit.aUs) && Number.isFinite(fit.bUsPerCandidate) && Number.isFinite(fit.r2!)).toBe(true);
      if (v.cacheUsed) expect(Number.isFinite(fit.cUserUs!)).toBe(true);
      else expect(fit.cUserUs).toBeNull();
      expect(r.stdout).toContain(`${v.variant}@reference`);
    }
    expect(results.plan.measuredArrivals).toBe(4 * (3 + 9 + 9));
    expect(results.plan.meanCandidates).toBeCloseTo((2 + 8 + 32) / 3, 9);
    expect(surface.variants.find((v) => v.variant === 'baseline')!.cacheUsed).toBe(false);
    expect(surface.variants.find((v) => v.variant === 'ugsep')!.cacheUsed).toBe(true);

    // the chart: its measured rows are one point per cell at the cell's mean, nothing else
    const spec = JSON.parse(readFileSync(join(out, 'surface.vl.json'), 'utf8')) as { data: { values: Row[] }; spec: { layer: { mark: { type: string } }[] } };
    const rows = spec.data.values;
    const points = rows.filter((p) => p.kind === 'measured');
    const cells = surface.variants.flatMap((v) => v.cells.map((c) => ({ series: `${v.variant}@${v.runtime}`, candidates: c.candidates, serviceMs: c.serviceUs.meanUs / 1000 })));
    expect(points.map((p) => ({ series: p.series, candidates: p.candidates, serviceMs: p.serviceMs }))).toEqual(cells);
    expect(rows.filter((p) => p.kind === 'fitted')).toHaveLength(3 + 9 + 9);
    expect(spec.spec.layer.map((l) => l.mark.type)).toEqual(['line', 'point']);
    expect(existsSync(join(out, 'surface.png'))).toBe(true);
  }, 180_000);

  // every flag's message is checked in grid.test.ts; here, that the CLI turns one into exit 104
  it('a bad flag exits 104 naming the flag, writing nothing', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ugbench-surface-bad-')), 'out');
    const r = runCli(['surface', '--preset', 'tiny', '--runtime', 'reference', '--hit-rates', '0,2', '--out', out]);
    expect(r.status).toBe(104);
    expect(r.stderr).toContain('--hit-rates: expected comma-separated numbers in [0, 1], got "2"');
    expect(r.stderr).not.toContain('    at ');
    expect(existsSync(out)).toBe(false);
  });
});
