/**
 * The capacity report as one offline HTML file: the Markdown tables as HTML, the chart (right after
 * the recommendation) as inline SVG rendered by reports/ (vega-lite -> vega -> SVG) and its
 * Vega-Lite spec embedded as JSON.
 */
import { specToSvg } from '../../reports/render/svg.ts';
import { escapeHtml } from '../../reports/html.ts';
import type { CapacityReport } from './build.ts';
import { capacityChartSpec } from './chart.ts';
import { capacityMarkdown } from './markdown.ts';

/** Just enough Markdown for our own output: headings, tables, bullets, paragraphs, **bold**, `code`. */
function markdownToHtml(md: string): string {
  const inline = (t: string) => escapeHtml(t).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/`(.+?)`/g, '<code>$1</code>');
  const out: string[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.startsWith('|')) rows.push(lines[i++]!.slice(1, -1).split('|').map((c) => c.trim()));
      i--;
      const [head, , ...body] = rows;
      out.push('<table>', `<tr>${head!.map((c) => `<th>${inline(c)}</th>`).join('')}</tr>`, ...body.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`), '</table>');
    } else if (line.startsWith('## ')) out.push(`<h2>${inline(line.slice(3))}</h2>`);
    else if (line.startsWith('# ')) out.push(`<h1>${inline(line.slice(2))}</h1>`);
    else if (line.startsWith('- ')) out.push(`<ul><li>${inline(line.slice(2))}</li></ul>`);
    else if (line.trim() !== '') out.push(`<p>${inline(line)}</p>`);
  }
  return out.join('\n');
}

export async function capacityHtml(r: CapacityReport): Promise<string> {
  const spec = capacityChartSpec(r);
  const svg = await specToSvg(spec);
  const md = capacityMarkdown(r);
  const cut = md.indexOf('\n## Replicas per variant');
  const [head, rest] = cut < 0 ? [md, ''] : [md.slice(0, cut), md.slice(cut)];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(`Capacity plan: ${r.sweep.name}`)}</title>`,
    '<style>body{font-family:"DejaVu Sans",sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}th{background:#f4f4f4}td:not(:first-child){text-align:right}</style>',
    '</head><body>',
    // the recommendation, then the curves (chart first, then their table), then the rest
    markdownToHtml(head),
    `<h2>p99 against offered load</h2><figure>${svg}</figure>`,
    markdownToHtml(rest),
    `<script type="application/json" id="vega-lite-spec">${JSON.stringify(spec).replace(/</g, '\\u003c')}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
