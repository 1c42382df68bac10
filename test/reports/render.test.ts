/**
 * From the fixture results file: renderReport writes specs, SVGs and PNGs that exist, are
 * non-trivial and contain rendered text, and one report.html that holds every chart and nothing
 * that would fetch from the network. Also a two-commit comparison through the CLI.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartFonts } from '../../reports/render/fonts.ts';
import { svgToPixels, svgToPng } from '../../reports/render/png.ts';
import { renderReport, type RenderedReport } from '../../reports/report.ts';
import { runCli } from '../cli/run-cli.ts';
import { makeResults } from '../fixtures/make-results.ts';

const FIXTURE = new URL('../fixtures/results-small.json', import.meta.url);
// one rate, one candidate mix and no paired phase: latency and throughput are tables, no speedup
const CHARTS = ['latency-spectrum', 'roofline', 'cache-hit-miss', 'what-if-p99'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Pixels darker than mid-grey in rows [y0, y1): title text is near-black on white. */
function darkPixels(image: { width: number; height: number; rgba: Buffer }, y0: number, y1: number): number {
  let dark = 0;
  for (let y = y0; y < Math.min(y1, image.height); y++) {
    for (let x = 0; x < image.width; x++) {
      const i = 4 * (y * image.width + x);
      if (image.rgba[i]! + image.rgba[i + 1]! + image.rgba[i + 2]! < 3 * 100) dark++;
    }
  }
  return dark;
}

describe('renderReport on the fixture', () => {
  let dir: string;
  let report: RenderedReport;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ugbench-report-'));
    copyFileSync(FIXTURE, path.join(dir, 'results.json'));
    report = await renderReport(path.join(dir, 'results.json'));
  });

  it('writes a spec, an SVG and a PNG per chart beside the results', () => {
    expect(report.html).toBe(path.join(dir, 'report.html'));
    for (const name of CHARTS) {
      for (const ext of ['vl.json', 'svg', 'png']) expect(existsSync(path.join(dir, `${name}.${ext}`)), `${name}.${ext}`).toBe(true);
      const png = readFileSync(path.join(dir, `${name}.png`));
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(statSync(path.join(dir, `${name}.png`)).size).toBeGreaterThan(15_000);
    }
    expect(report.pngs.map((p) => path.basename(p, '.png'))).toEqual(CHARTS);
  });

  it('uses the packaged DejaVu Sans, so a fresh machine needs no system fonts', () => {
    const fonts = chartFonts();
    expect(fonts.warning).toBeNull();
    expect(fonts.loadSystemFonts).toBe(false);
    expect(fonts.fontFiles.some((f) => f.endsWith('DejaVuSans.ttf'))).toBe(true);
  });

  it('PNGs contain rendered text: the title band has ink that disappears when the text is removed', () => {
    for (const name of ['roofline', 'latency-spectrum']) {
      const svg = readFileSync(path.join(dir, `${name}.svg`), 'utf8');
      expect(svg).toMatch(/<text[^>]*font-family="DejaVu Sans/);
      // The emitted PNG is exactly this rendering.
      expect(readFileSync(path.join(dir, `${name}.png`)).equals(svgToPng(svg))).toBe(true);
      const withText = svgToPixels(svg);
      const withoutText = svgToPixels(svg.replace(/<text[\s\S]*?<\/text>/g, ''));
      // Title and subtitle sit in the top ~60 px of the 2x image; nothing else is drawn there.
      const inked = darkPixels(withText, 0, 60);
      expect(inked).toBeGreaterThan(1500);
      expect(darkPixels(withoutText, 0, 60)).toBeLessThan(inked / 20);
      // And the text-less PNG is clearly smaller: text is a large part of the image.
      expect(svgToPng(svg.replace(/<text[\s\S]*?<\/text>/g, '')).length).toBeLessThan(0.8 * readFileSync(path.join(dir, `${name}.png`)).length);
    }
  });

  it('report.html holds every chart, the tables and the scenario, and fetches nothing', () => {
    const html = readFileSync(report.html, 'utf8');
    for (const name of CHARTS) {
      expect(html).toContain(`id="chart-${name}"`);
      expect(html).toContain(`id="spec-${name}"`);
    }
    expect(html).toContain('<h2>Summary</h2>');
    expect(html).toContain('ugsep-w8a16@ort-cpu');
    // lone points became tables; percentiles say what they rest on
    expect(html).toContain('id="table-throughput-vs-load"');
    expect(html).toContain('id="table-latency-vs-candidates"');
    expect(html).toContain('p99 n=200: too few, needs 459');
    expect(html).toContain('effective scenario');
    expect(html).toContain('Runtimes and kernels');
    // Nothing loads from elsewhere: no external scripts, stylesheets, imports, images or frames.
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?(https?:)?\/\//i);
    expect(html).not.toMatch(/<(img|iframe|object|embed|source)[^>]+(src|href|data)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/sourceMappingURL/);
    // Outside the inlined library source there is no URL at all.
    const withoutLibraries = html.replace(/<script>\/\* vega(-lite|-embed)? \*\/[\s\S]*?<\/script>/g, '');
    expect(withoutLibraries.length).toBeLessThan(html.length - 500_000);
    expect(withoutLibraries).not.toMatch(/https?:\/\//);
    // The three libraries are inlined, vega-embed last (it needs the other two).
    expect(html.indexOf('/* vega */')).toBeLessThan(html.indexOf('/* vega-lite */'));
    expect(html.indexOf('/* vega-lite */')).toBeLessThan(html.indexOf('/* vega-embed */'));
  });

  it('the inlined libraries load in order and compile every embedded spec (a browser stand-in)', () => {
    const html = readFileSync(report.html, 'utf8');
    const scripts = [...html.matchAll(/<script>(\/\* vega[\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(3);
    const context: Record<string, unknown> = { structuredClone, setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, performance, console, URL, TextEncoder, TextDecoder, Intl, navigator: { userAgent: 'node' } };
    context.self = context;
    context.window = context;
    vm.createContext(context);
    for (const script of scripts) vm.runInContext(script, context);
    const vega = context.vega as { parse: (spec: unknown) => unknown };
    const vegaLite = context.vegaLite as { compile: (spec: unknown) => { spec: unknown } };
    expect(typeof context.vegaEmbed).toBe('function');
    const specs = [...html.matchAll(/<script type="application\/json" id="spec-([^"]+)">([\s\S]*?)<\/script>/g)];
    expect(specs.map((m) => m[1])).toEqual(CHARTS);
    for (const [, , json] of specs) expect(() => vega.parse(vegaLite.compile(JSON.parse(json!)).spec)).not.toThrow();
  });

  it('the console summary names every run', () => {
    for (const id of ['baseline@ort-cpu', 'ugsep@ort-cpu', 'ugsep-w8a16@ort-cpu']) expect(report.console).toContain(id);
  });
});

describe('ugbench report', () => {
  it('combines two commits into one comparison report and prints its paths', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ugbench-compare-'));
    const a = path.join(dir, 'a.json');
    const b = path.join(dir, 'b.json');
    writeFileSync(a, JSON.stringify(makeResults({ commit: '1111111aaaa' })));
    writeFileSync(b, JSON.stringify(makeResults({ commit: '2222222bbbb', latencyScale: 0.7 })));
    const out = path.join(dir, 'cmp');
    const result = runCli(['report', a, b, '--out', out, '--no-png'], { env: { UGBENCH_CACHE_DIR: path.join(dir, 'no-cache') } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`report: ${path.join(out, 'report.html')}`);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('1111111 ugsep@ort-cpu');
    expect(html).toContain('2222222 ugsep@ort-cpu');
    expect(html).toContain('ugbench comparison: 1111111 vs 2222222');
  });

  it('rejects a file that is not results JSON with exit 104', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ugbench-bad-'));
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ schemaVersion: 7 }));
    const result = runCli(['report', bad]);
    expect(result.status).toBe(104);
    expect(result.stderr).toContain('schemaVersion: expected 2 (or 1), got 7');
  });
});
