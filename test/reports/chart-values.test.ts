/**
 * The charts plot the results' own numbers, not only a valid spec: the speedup points are the
 * paired ratios of `results.paired` with their intervals, latency vs candidates is the
 * `candidates` tag's p50 per bucket, each variant has one colour across every chart (the roofline
 * too: by variant, never by run), a figure that would be lone points is a table, and the console
 * table fits 100 columns.
 */
import { describe, expect, it } from 'vitest';
import { formatPairedTable } from '../../reports/paired-table.ts';
import { formatResultsTable } from '../../cli/bench/table.ts';
import { consoleSummary } from '../../reports/console.ts';
import { allFigures } from '../../reports/charts/index.ts';
import { isTable, type ChartSpec, type Figure } from '../../reports/charts/spec.ts';
import { runRows } from '../../reports/runs.ts';
import { makeResults } from '../fixtures/make-results.ts';
import { BUCKETS, pairedResults } from './paired-fixture.ts';
import { pairedOf } from '../../reports/paired.ts';
import { variantColours } from '../../reports/palette.ts';

type Point = Record<string, unknown>;

/** Every inline data array of a spec, flattened, every variant colour scale in it, and the field of every colour encoding. */
function walk(spec: unknown): { points: Point[]; scales: { domain: string[]; range: string[] }[]; colourFields: string[] } {
  const points: Point[] = [];
  const scales: { domain: string[]; range: string[] }[] = [];
  const colourFields: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (Array.isArray(o['values'])) points.push(...(o['values'] as Point[]));
      const color = o['color'] as { field?: string; scale?: { domain: string[]; range: string[] } } | undefined;
      if (color?.field !== undefined) colourFields.push(color.field);
      if (color?.field === 'variant' && color.scale) scales.push(color.scale);
      Object.values(o).forEach(visit);
    }
  };
  visit(spec);
  return { points, scales, colourFields };
}

const results = pairedResults();
const figures = allFigures(runRows([{ path: 'r.json', results }]), undefined);
const chart = (name: string): ChartSpec => figures.find((f): f is ChartSpec => f.name === name && !isTable(f))!;

describe('plotted values are the results’ own', () => {
  it('speedup vs candidates: one point per bucket and pair, equal to the paired ratio and its interval', () => {
    const { points } = walk(chart('speedup-vs-candidates').spec);
    // the error bars and the points are two layers over the same data: count each once
    const measured = [...new Map(points.filter((p) => 'ratio' in p).map((p) => [`${String(p['bucket'])}/${String(p['variant'])}/${String(p['over'])}`, p])).values()];
    const paired = pairedOf(results)!;
    const buckets = paired.buckets.filter((b) => b.bucket !== 'all');
    expect(buckets).toHaveLength(6);
    expect(measured).toHaveLength(buckets.length * 3);
    let worst = 0;
    for (const b of buckets) {
      for (const s of b.speedups) {
        const p = measured.find((m) => m['bucket'] === b.bucket && m['variant'] === s.variant && m['over'] === s.over)!;
        for (const [got, want] of [[p['ratio'], s.ratio], [p['lo95'], s.lo95], [p['hi95'], s.hi95]] as const) worst = Math.max(worst, Math.abs(Number(got) - want) / want);
        expect(p['n']).toBe(b.n);
      }
    }
    console.log(`speedup chart: worst relative difference to the paired ratios ${worst.toExponential(2)} (rounded to 4 digits)`);
    expect(worst).toBeLessThan(5e-4);
    // the prediction line: the buckets' FLOP ratios
    const flop = points.filter((p) => p['kind'] === 'FLOP ratio');
    expect(flop).toHaveLength(buckets.length * 3);
  });

  it('latency vs candidates: the candidates tag’s p50 of each bucket, at its mean candidates', () => {
    const { points } = walk(chart('latency-vs-candidates').spec);
    for (const run of results.runs) {
      for (const b of BUCKETS) {
        const split = run.tags!['candidates']![b.bucket]!;
        const p = points.find((x) => x['series'] === run.id && x['bucket'] === b.bucket)!;
        // specs round to 3 significant digits
        expect(Math.abs(Number(p['latencyMs']) - split.latencyUs.summary.p50Us / 1000)).toBeLessThanOrEqual(0.005 * Number(p['latencyMs']));
        expect(p['n']).toBe(split.latencyUs.summary.count);
        expect(Number(p['candidates'])).toBeGreaterThanOrEqual(b.lo);
        expect(Number(p['candidates'])).toBeLessThanOrEqual(b.hi);
      }
    }
  });

  it('one colour per variant across every chart, the roofline included', () => {
    const charts = figures.filter((f): f is ChartSpec => !isTable(f));
    expect(charts.map((c) => c.name)).toContain('roofline');
    const colourOf = new Map<string, string>();
    let scales = 0;
    for (const c of charts) {
      const { colourFields, scales: variantScales } = walk(c.spec);
      // colour by variant through the palette, never by run id (series) or anything else
      expect(colourFields.length, `${c.name}: colour encodings`).toBeGreaterThan(0);
      expect(new Set(colourFields), `${c.name}: colour fields`).toEqual(new Set(['variant']));
      for (const scale of variantScales) {
        scales++;
        scale.domain.forEach((variant, i) => {
          const colour = scale.range[i]!;
          expect(colourOf.get(variant) ?? colour, `${c.name}: ${variant}`).toBe(colour);
          colourOf.set(variant, colour);
        });
      }
    }
    expect(scales).toBeGreaterThanOrEqual(6);
    expect(new Set(colourOf.values()).size).toBe(colourOf.size); // distinct variants, distinct colours
    expect(Object.fromEntries(colourOf)).toEqual(Object.fromEntries(variantColours(['baseline', 'ugsep', 'ugsep-w8a16'])));
  });

  it('roofline: each point carries its run’s variant, coloured by it; runs of one variant differ by shape', () => {
    const points = walk(chart('roofline').spec).points.filter((p) => 'series' in p);
    expect(points.map((p) => [p['series'], p['variant']])).toEqual(results.runs.map((r) => [r.id, r.variant]));
    // two files of the same variants: the colour stays the variant's, the run is the shape
    const twice = allFigures(runRows([{ path: 'a.json', results: makeResults({ commit: 'aaaaaaa1' }) }, { path: 'b.json', results: makeResults({ commit: 'bbbbbbb2' }) }]), undefined);
    const roofline = twice.find((f): f is ChartSpec => f.name === 'roofline' && !isTable(f))!;
    expect(walk(roofline.spec).colourFields).toEqual(['variant']);
    expect(JSON.stringify(roofline.spec)).toContain('"shape":{"field":"series"');
    expect(JSON.stringify(chart('roofline').spec)).not.toContain('"shape"'); // one run per variant: no shape legend
  });

  it('a figure that would be one point per run is a table: throughput at one rate, speedup and latency without tags', () => {
    const plain = allFigures(runRows([{ path: 'r.json', results: makeResults() }]), undefined);
    const tables = plain.filter(isTable).map((f) => f.name);
    expect(tables).toContain('throughput-vs-load');
    expect(tables).toContain('latency-vs-candidates');
    // a sweep of three candidate counts is a curve again (negative control)
    const sweep = allFigures(runRows([16, 64, 256].map((n, i) => ({ path: String(i), results: makeResults({ candidates: n, targetQps: 10 * (i + 1) }) }))), undefined);
    const kinds = Object.fromEntries(sweep.map((f: Figure) => [f.name, isTable(f)]));
    expect(kinds['latency-vs-candidates']).toBe(false);
    expect(kinds['throughput-vs-load']).toBe(false);
  });

  it('throughput vs load: offered = the plan’s measured arrivals / measured window, not the nominal rate', () => {
    const plain = allFigures(runRows([{ path: 'r.json', results: makeResults() }]), undefined).find((f) => f.name === 'throughput-vs-load')!;
    expect(isTable(plain)).toBe(true);
    const r = makeResults();
    const row = isTable(plain) ? plain.table.rows[0]! : [];
    expect(Number(row[2])).toBeCloseTo(r.runs[0]!.counts.planned / r.plan.durationS, 2);
  });
});

describe('parity figures', () => {
  it('are printed in the console and the HTML tables with their n', () => {
    const r = pairedResults();
    r.runs[1]!.parity = {
      sampleFraction: 0.1, sampledRequests: 20, sampledCandidates: 1280, k: 5,
      vsReference: { against: 'ugsep@reference', maxAbsDrift: 2.5e-6, meanAbsDrift: 4e-7, topkOverlap: 1, kendallTau: 0.9991 },
      vsBaseline: { against: 'baseline@ort-cpu', maxAbsDrift: 0.031, meanAbsDrift: 0.004, topkOverlap: 0.93, kendallTau: 0.912 },
    };
    const text = formatResultsTable(r);
    expect(text).toMatch(/ugsep@ort-cpu +ugsep@reference +20 +2\.50e-6 +4\.00e-7 +1\.000 +0\.999/);
    expect(text).toMatch(/ugsep@ort-cpu +baseline@ort-cpu +20 +3\.10e-2 +4\.00e-3 +0\.930 +0\.912/);
    expect(text).toContain('Kendall tau');
  });
});

describe('the console table', () => {
  it('fits 100 columns by default, marks p99 of 200 requests, and --wide shows every column', () => {
    const r = pairedResults();
    // what `ugbench bench` prints: the paired block, then the run table, its notes and the legend
    const text = `${formatPairedTable(r.paired!)}\n${formatResultsTable(r)}`;
    const widest = Math.max(...text.split('\n').map((l) => l.length));
    console.log(`console table: widest line ${widest} characters`);
    expect(widest).toBeLessThanOrEqual(100);
    expect(text).toContain('* p99 n=200: too few, needs 459 for a 99% upper bound (every run)');
    expect(text).toMatch(/plan: 200 arrivals in 10 s = 20\.00 req\/s offered \(nominal poisson 20\/s\)/);
    expect(text).toMatch(/192-256 +12 +2\.54 \[2\.41, 2\.64\]/);
    // `ugbench report` prints the same paired block, from the same module (reports/paired-table.ts)
    expect(consoleSummary(runRows([{ path: 'r.json', results: r }]), undefined)).toContain(formatPairedTable(r.paired!));
    const wide = formatResultsTable(pairedResults(), { wide: true });
    for (const header of ['p90 ms', 'p99.9 ms', 'cand/s', 'system x']) expect(wide).toContain(header);
    expect(Math.max(...wide.split('\n').map((l) => l.length))).toBeGreaterThan(100); // the control: everything does not fit
  });
});
