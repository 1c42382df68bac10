/**
 * The reporter's entry point: results JSON file(s) -> `*.vl.json`, `*.svg`, `*.png`, one
 * `report.html` and a console summary, written next to the results (or to `outDir`). Reads only
 * results JSON and limits JSON.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MachineLimits } from '../harness/results/machine-limits.ts';
import { allFigures } from './charts/index.ts';
import { isTable, type ChartSpec } from './charts/spec.ts';
import { consoleLimits, consoleSummary } from './console.ts';
import { reportHtml } from './html.ts';
import { limitsMatchMachine, loadLimits, loadResultsOrSweep, type LoadedResults } from './load.ts';
import { svgToPng } from './render/png.ts';
import { chartFonts } from './render/fonts.ts';
import { specToSvg } from './render/svg.ts';
import { runRows, sourceLabels } from './runs.ts';

/** File name of the limits copy kept beside results, so re-rendering later needs nothing else. */
export const LIMITS_FILE = 'limits.json';

export interface RenderOptions {
  /** output directory; default: the results file's directory, or `comparison/` inside the first one's for several */
  outDir?: string;
  /**
   * machine limits for the roofline. Used only when measured on the machine of the results (same
   * CPU and cores); then also saved as limits.json in outDir. Default: limits.json beside the
   * (first) results file, when present.
   */
  limits?: MachineLimits;
  /** write PNGs (the slow part, ~0.1 s per chart); default true */
  png?: boolean;
  /** the console table with every column; default false (fits 100 columns) */
  wide?: boolean;
}

export interface RenderedReport {
  /** path of report.html */
  html: string;
  pngs: string[];
  svgs: string[];
  specs: string[];
  /** the terminal summary (not printed: callers decide) */
  console: string;
  /** what to print after `ugbench bench`, which printed the tables already: the limits lines */
  afterBench: string;
  /** things the report could not show, and why */
  notes: string[];
}

async function chooseLimits(files: LoadedResults[], given: MachineLimits | undefined): Promise<{ limits: MachineLimits | undefined; notes: string[] }> {
  const notes: string[] = [];
  const first = files[0]!;
  const candidates = [given, await loadLimits(path.join(path.dirname(first.path), LIMITS_FILE))].filter((l) => l !== undefined);
  const matching = candidates.find((l) => limitsMatchMachine(l, first.results));
  if (!matching) {
    notes.push(
      candidates.length > 0
        ? 'The machine limits available were measured on another machine than these results: no roofs, % of peak or bounds.'
        : 'No machine limits for the machine of these results (run `ugbench limits` there, or pass them): no roofs, % of peak or bounds.',
    );
  } else if (files.some((f) => !limitsMatchMachine(matching, f.results))) {
    notes.push(`Machine limits are those of ${matching.machine.cpuBrand} x${matching.machine.cores}; runs from other machines are placed against them too.`);
  }
  return { limits: matching, notes };
}

/** Render the report for one results file, or a comparison of several (two commits, two machines, a sweep); sweep files count as one file per rate. */
export async function renderReport(resultsPath: string | string[], options: RenderOptions = {}): Promise<RenderedReport> {
  const paths = Array.isArray(resultsPath) ? resultsPath : [resultsPath];
  if (paths.length === 0) throw new Error('renderReport: expected at least one results file');
  const files = (await Promise.all(paths.map((p) => loadResultsOrSweep(p)))).flat();
  if (files.length === 0) throw new Error(`renderReport: no runs in ${paths.join(', ')}`);
  // A comparison must not overwrite the first run's own report.
  const outDir = options.outDir ?? (paths.length === 1 ? path.dirname(paths[0]!) : path.join(path.dirname(paths[0]!), 'comparison'));
  await mkdir(outDir, { recursive: true });

  const { limits, notes } = await chooseLimits(files, options.limits);
  if (limits && options.limits === limits) await writeFile(path.join(outDir, LIMITS_FILE), `${JSON.stringify(limits, null, 2)}\n`);
  const rows = runRows(files);
  const figures = allFigures(rows, limits);
  const charts = figures.filter((f): f is ChartSpec => !isTable(f));
  const tables = figures.filter(isTable);
  const fonts = chartFonts();
  if (fonts.warning) notes.push(fonts.warning);
  notes.push(...missingChartNotes(figures.map((c) => c.name)));

  const rendered: RenderedReport = { html: path.join(outDir, 'report.html'), pngs: [], svgs: [], specs: [], console: '', afterBench: '', notes };
  const withSvg: { chart: (typeof charts)[number]; svg: string }[] = [];
  for (const chart of charts) {
    const specFile = path.join(outDir, `${chart.name}.vl.json`);
    await writeFile(specFile, `${JSON.stringify(chart.spec, null, 2)}\n`);
    rendered.specs.push(specFile);
    const svg = await specToSvg(chart.spec);
    const svgFile = path.join(outDir, `${chart.name}.svg`);
    await writeFile(svgFile, svg);
    rendered.svgs.push(svgFile);
    if (options.png ?? true) {
      const pngFile = path.join(outDir, `${chart.name}.png`);
      await writeFile(pngFile, svgToPng(svg));
      rendered.pngs.push(pngFile);
    }
    withSvg.push({ chart, svg });
  }
  await writeFile(rendered.html, reportHtml({ files, sourceLabels: sourceLabels(files).labels, rows, limits, charts: withSvg, tables, notes }));
  rendered.console = consoleSummary(rows, limits, { wide: options.wide ?? false });
  rendered.afterBench = consoleLimits(rows, limits);
  return rendered;
}

/** Why an expected figure is absent, in words for the report's "Not shown" list. */
function missingChartNotes(drawn: string[]): string[] {
  const notes: string[] = [];
  if (!drawn.includes('cache-hit-miss')) notes.push('Hit vs miss latency and what-if p99: no run used a cross-request user cache with both hits and misses.');
  if (!drawn.includes('throughput-vs-load')) notes.push('Throughput vs offered load: no open-loop runs (closed-loop and offline runs have no offered rate).');
  if (!drawn.includes('speedup-vs-candidates')) notes.push('Speedup vs candidates: needs the paired phase (results `paired`), or a baseline and another variant with service times on the same runtime in one file.');
  if (!drawn.includes('latency-vs-candidates')) notes.push('Latency vs candidates: no run has 7 or more completed requests (a p50 needs 7).');
  notes.push('Kernel micro-benchmarks (npm run bench:kernels) print a table and are not in results JSON; the runtime and kernel settings each run used are tabled above.');
  return notes;
}
