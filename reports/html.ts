/**
 * One self-contained report.html: the charts (vega-embed from the spec, with the static SVG as
 * the initial content so they show even with scripts off), the summary table, derived figures,
 * runtime settings, environment and effective scenario. vega, vega-lite and vega-embed are inlined
 * from node_modules builds, so the file opens offline and fetches nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { limitsTrustProblems, type MachineLimits } from '../harness/results/machine-limits.ts';
import type { ChartSpec, FigureTable } from './charts/spec.ts';
import { variantColours } from './palette.ts';
import { pairedOf } from './paired.ts';
import { pairedTable } from './paired-table.ts';
import { parityTable } from './parity.ts';
import { percentileNotes } from './percentiles.ts';
import { deriveFigures, ridgePointFlopPerByte } from './derive.ts';
import { rooflineLimits } from '../harness/results/machine-limits.ts';
import type { LoadedResults } from './load.ts';
import type { RunRow } from './runs.ts';
import { SUMMARY_COLUMNS, summaryRows, UNTRUSTED } from './summary.ts';
import { tagTable } from './tags.ts';

const require = createRequire(import.meta.url);

/** The browser builds, in load order (vega-lite and vega-embed expect the globals before them). */
const LIBRARIES = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
] as const;

/** A file of an installed package: found from its main entry, since `exports` hides package.json. */
function packageFile(pkg: string, file: string): string {
  let dir = path.dirname(require.resolve(pkg));
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'build') {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${pkg} package directory`);
    dir = parent;
  }
  return path.join(dir, file);
}

/** Library source safe to inline: no source-map reference (nothing to fetch), no early </script>. */
export function inlineScript(source: string): string {
  return source.replace(/\/\/# sourceMappingURL=\S+/g, '').replace(/<\/script/gi, '<\\/script');
}

let librariesCache: string | undefined;
function inlinedLibraries(): string {
  librariesCache ??= LIBRARIES.map(([pkg, file]) => `<script>/* ${pkg} */\n${inlineScript(readFileSync(packageFile(pkg, file), 'utf8'))}\n</script>`).join('\n');
  return librariesCache;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON inside <script type="application/json">: only "</" needs breaking up. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/<\//g, '<\\/');
}

/** Inline SVG needs no namespace declarations in HTML5; dropping them keeps the page free of URLs. */
export function inlineSvg(svg: string): string {
  return svg.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '');
}

/** A table; `colours` gives each row a swatch of its variant's chart colour (reports/palette.ts). */
function table(headers: string[], rows: string[][], numeric: boolean[] = [], colours?: (string | undefined)[]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const swatch = (i: number): string => (colours?.[i] ? `<span class="swatch" style="background:${colours[i]}"></span>` : '');
  const body = rows.map((r, ri) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${i === 0 ? swatch(ri) : ''}${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function pairedSection(files: LoadedResults[], labels: string[]): string {
  const parts = files.flatMap((file, i) => {
    const paired = pairedOf(file.results);
    if (!paired || paired.buckets.length === 0) return [];
    const t = pairedTable(paired);
    return [`<h3>${escapeHtml(labels[i] ? `${labels[i]}: ` : '')}${escapeHtml(t.title)}</h3><p class="caption">${escapeHtml(t.subtitle)}</p>${table(t.headers, t.rows, t.numeric)}<p class="caption">${escapeHtml(t.note.join(' '))}</p>`];
  });
  return parts.length > 0 ? `<h2>Paired speedups (the model's)</h2>${parts.join('\n')}` : '';
}

function paritySection(rows: RunRow[], colours: Map<string, string>): string {
  const t = parityTable(rows);
  if (!t) return '';
  const byRun = new Map(rows.map((r) => [r.series, colours.get(r.variant)]));
  return `<h2>Score parity</h2>${table(t.headers, t.rows, t.numeric, t.rows.map((r) => byRun.get(r[0]!)))}
<p class="caption">Sampled responses re-scored after the run by the reference runtime and by baseline on the same requests: n = requests sampled; drift = |score difference| over their candidates; top-k overlap and Kendall tau are means over requests (1 = same order).</p>`;
}

function figureTableSection(t: FigureTable): string {
  return `<section class="chart" id="table-${t.name}"><h3>${escapeHtml(t.title)}</h3>${table(t.table.headers, t.table.rows, t.table.numeric)}<p class="caption">${escapeHtml(t.caption)}</p></section>`;
}

function derivedTable(rows: RunRow[], limits: MachineLimits | undefined): string {
  const headers = ['run', 'FLOPs/request', 'bytes/request', 'FLOP/byte', 'throughput GFLOP/s', 'throughput GB/s', 'busy GFLOP/s', 'busy GB/s', 'of GEMM peak', 'of bandwidth', 'of attainable', 'bound', 'GPU memory'];
  const pct = (f: number | null): string => (f === null ? 'n/a' : `${(f * 100).toFixed(1)}%`);
  const body = rows.map((row) => {
    const f = deriveFigures(row, limits);
    if (!f) return [row.series, ...headers.slice(1).map(() => 'n/a')];
    return [
      f.series,
      f.flopsPerRequest.toExponential(3),
      f.bytesPerRequest.toExponential(3),
      f.arithmeticIntensityFlopPerByte.toFixed(2),
      f.throughputGflopPerS.toFixed(2),
      f.throughputGBPerS.toFixed(3),
      f.busyGflopPerS.toFixed(1),
      f.busyGBPerS.toFixed(2),
      f.limitsDoubt ? UNTRUSTED : pct(f.busyFractionOfPeakGflop),
      f.limitsDoubt ? UNTRUSTED : pct(f.busyFractionOfPeakBandwidth),
      f.limitsDoubt ? f.limitsDoubt : pct(f.fractionOfAttainable),
      f.bound === null ? 'n/a' : `${f.bound} (${f.roof ?? ''} roof)`,
      f.gpuMemory,
    ];
  });
  return table(headers, body, headers.map((_h, i) => i > 0 && i < 11));
}

/** Runtime and kernel settings per run: which kernels, threads and precisions actually ran. */
function runtimeTable(rows: RunRow[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.run.runtime.details)))];
  const headers = ['run', 'provider', 'threads', 'weights', 'activations', ...keys];
  const body = rows.map((r) => [
    r.series,
    r.run.runtime.provider,
    String(r.run.runtime.threads),
    r.run.runtime.weightPrecision,
    r.run.runtime.activationPrecision,
    ...keys.map((k) => (r.run.runtime.details[k] === undefined ? '' : String(r.run.runtime.details[k]))),
  ]);
  return table(headers, body);
}

function limitsSection(limits: MachineLimits | undefined): string {
  const roof = rooflineLimits(limits);
  if (!limits || !roof) return '<p>No machine limits measured on the machine of these results: run <code>ugbench limits</code> there. Percent-of-peak figures and bounds are omitted.</p>';
  const rows = [
    ...limits.gemm.measurements.map((m) => [`GEMM ${m.n}³ fp32 (${limits.gemm.runtime} ${limits.gemm.version}, ${limits.gemm.threads} threads)`, `${m.gflopPerS.toFixed(1)} GFLOP/s`]),
    ...limits.bandwidth.measurements.map((m) => [`memory ${m.kernel}, ${(m.bufferBytes / 2 ** 20).toFixed(0)} MiB buffers (${limits.bandwidth.method})`, `${m.gbPerS.toFixed(1)} GB/s`]),
    ['ridge point', `${ridgePointFlopPerByte(roof).toFixed(2)} FLOP/byte`],
    ['GPU memory utilisation', limits.gpuMemoryUtilisation ? `${(limits.gpuMemoryUtilisation.usedFraction * 100).toFixed(1)}% (${limits.gpuMemoryUtilisation.source})` : 'not available (no driver reading)'],
    ...(typeof limits.gemm.int8PeakGopPerS === 'number' ? [['GEMM int8 (the roof of int8-weight runs when higher)', `${limits.gemm.int8PeakGopPerS.toFixed(1)} Gop/s`]] : []),
    ['measured', `${limits.measuredAt}, fingerprint ${limits.fingerprint}, load average ${typeof limits.loadAverage1m === 'number' ? limits.loadAverage1m.toFixed(2) : 'unknown'}`],
    ...limitsTrustProblems(limits).map((p) => ['not trustworthy', p]),
  ];
  return table(['limit', 'value'], rows, [false, true]);
}

function environmentSection(files: LoadedResults[], labels: string[]): string {
  return files
    .map((file, i) => {
      const r = file.results;
      const m = r.machine;
      const rows = [
        ['file', file.path],
        ['created', r.createdAt],
        ['status', r.status],
        ['git', `${r.git.commit ?? 'not a git checkout'}${r.git.dirty ? ' (dirty)' : ''}`],
        ['CPU', `${m.cpu.manufacturer} ${m.cpu.brand}, ${m.cpu.cores} logical / ${m.cpu.physicalCores} physical cores${m.cpu.speedGHz ? `, ${m.cpu.speedGHz} GHz` : ''}`],
        ['memory', `${(m.memory.totalBytes / 2 ** 30).toFixed(1)} GiB`],
        ['OS', `${m.os.distro} ${m.os.release} (${m.os.platform} ${m.os.arch}, kernel ${m.os.kernel})`],
        ['GPUs', m.gpus.length === 0 ? 'none' : m.gpus.map((g) => `${g.vendor} ${g.model}${g.vramMB ? ` ${g.vramMB} MB` : ''}`).join(', ')],
        ['packages', Object.entries(r.packages).map(([k, v]) => `${k} ${v}`).join(', ')],
        ['seeds', Object.entries(r.seeds).map(([k, v]) => `${k} ${v}`).join(', ')],
        ['plan', `${r.plan.measuredArrivals} measured arrivals over ${r.plan.durationS} s (+${r.plan.warmupArrivals} warm-up over ${r.plan.warmupS} s), ${r.plan.meanCandidates.toFixed(1)} mean candidates, ${r.plan.distinctUsers} distinct users`],
      ];
      if (m.degraded) rows.push(['note', 'systeminformation failed: facts from node:os only']);
      const heading = labels[i] ? `<h3>${escapeHtml(labels[i])}</h3>` : '';
      return `${heading}${table(['', ''], rows)}
<details><summary>effective scenario “${escapeHtml(r.scenario.name)}”${r.scenario.path ? ` (${escapeHtml(r.scenario.path)})` : ''}</summary><pre>${escapeHtml(JSON.stringify(r.scenario.effective, null, 2))}</pre></details>`;
    })
    .join('\n');
}

function validitySection(rows: RunRow[]): string {
  const problems = rows.filter((r) => r.run.validity.status !== 'valid' || Object.keys(r.run.errors).length > 0 || r.run.counts.dropped > 0);
  if (problems.length === 0) return '';
  const body = problems.map((r) => [r.series, r.run.validity.status, r.run.validity.reasons.join('; '), String(r.run.counts.dropped), Object.entries(r.run.errors).map(([e, n]) => `${e} ×${n}`).join('; ')]);
  return `<h2>Problems</h2>${table(['run', 'status', 'reasons', 'dropped', 'errors'], body)}`;
}

function tagSection(rows: RunRow[]): string {
  const t = tagTable(rows);
  if (t.rows.length === 0) return '';
  return `<h2>By tag</h2><div class="scroll">${table(t.headers, t.rows, t.numeric)}</div>
<p class="caption">Each run split by the tags its requests carried (cache outcome, replica, instance, kernel, ...); samples = requests each percentile rests on; timing columns are the system under test's own times.</p>`;
}

export interface HtmlInput {
  files: LoadedResults[];
  sourceLabels: string[];
  rows: RunRow[];
  limits: MachineLimits | undefined;
  charts: { chart: ChartSpec; svg: string }[];
  /** figures drawn as tables (a chart would be lone points) */
  tables: FigureTable[];
  /** things the report could not show and why */
  notes: string[];
}

const STYLE = `body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}.chart{margin:1.5em 0 2.5em}.caption{color:#555;font-size:13px;max-width:900px}
pre{background:#f7f7f7;padding:1em;overflow:auto;font-size:12px}.scroll{overflow-x:auto}
.swatch{display:inline-block;width:.8em;height:.8em;margin-right:.4em;vertical-align:-.05em}`;

export function reportHtml(input: HtmlInput): string {
  const title = input.files.length === 1 ? `ugbench report: ${input.files[0]!.results.scenario.name}` : `ugbench comparison: ${input.sourceLabels.join(' vs ')}`;
  const charts = input.charts
    .map(
      ({ chart, svg }) => `<section class="chart" id="chart-${chart.name}">
<h3>${escapeHtml(chart.title)}</h3>
<div class="vega" data-chart="${chart.name}">${inlineSvg(svg)}</div>
<script type="application/json" id="spec-${chart.name}">${jsonForScript({ ...chart.spec, $schema: undefined })}</script>
<p class="caption">${escapeHtml(chart.caption)}</p>
</section>`,
    )
    .join('\n');
  const colours = variantColours(input.rows.map((r) => r.variant));
  const rowColours = input.rows.map((r) => colours.get(r.variant));
  const pNotes = percentileNotes(input.rows, [50, 90, 99, 99.9]).map((n) => `<br>${escapeHtml(n)}`).join('');
  const notes = input.notes.length > 0 ? `<h2>Not shown</h2><ul>${input.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
${pairedSection(input.files, input.sourceLabels)}
<h2>Summary</h2>
<div class="scroll">${table(SUMMARY_COLUMNS.map((c) => c.header), summaryRows(input.rows, input.limits), SUMMARY_COLUMNS.map((c) => c.numeric), rowColours)}</div>
<p class="caption">n = completed requests the latency percentiles rest on; offered = the plan's measured arrivals / measured window.${pNotes}<br>busy GFLOP/s = cost-model FLOPs per request / mean latency; % of peak against this machine's measured limits. Cross-request user caching is ugbench's addition; runs with a hit rate used it.</p>
${paritySection(input.rows, colours)}
${validitySection(input.rows)}
${tagSection(input.rows)}
<h2>Charts</h2>
${charts}
${input.tables.map(figureTableSection).join('\n')}
<h2>Roofline figures</h2>
<div class="scroll">${derivedTable(input.rows, input.limits)}</div>
<h3>Machine limits</h3>
${limitsSection(input.limits)}
<h2>Runtimes and kernels</h2>
<div class="scroll">${runtimeTable(input.rows)}</div>
<h2>Environment and effective scenario</h2>
${environmentSection(input.files, input.sourceLabels)}
${notes}
${inlinedLibraries()}
<script>
// Replace each static SVG with the interactive chart (tooltips); the SVG stays if anything fails.
for (const el of document.querySelectorAll('div.vega')) {
  const spec = JSON.parse(document.getElementById('spec-' + el.dataset.chart).textContent);
  const target = document.createElement('div');
  vegaEmbed(target, spec, { mode: 'vega-lite', actions: false, renderer: 'svg' }).then(() => el.replaceChildren(target), (e) => console.error(e));
}
</script>
</body></html>
`;
}
