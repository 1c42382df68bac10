/** The console summary of a reuse surface: one line per variant with its coefficients, R² and worst cell. */
import type { ReuseSurface, SurfaceVariant } from '../../harness/results/contract.ts';
import { hitLabel } from './chart.ts';

const ms = (us: number): string => (us / 1000).toFixed(3);
const signed = (x: number, digits: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

function row(v: SurfaceVariant): string[] {
  const id = `${v.variant}@${v.runtime}`;
  const fit = v.fit;
  if (!fit) return [id, '-', '-', '-', '-', `no fit: ${v.fitProblem ?? 'unknown'}`, String(v.cells.filter((c) => c.used).length)];
  const w = fit.worst;
  return [
    id,
    ms(fit.aUs),
    fit.bUsPerCandidate.toFixed(2),
    fit.cUserUs === null ? 'n/a (no cache)' : ms(fit.cUserUs),
    fit.r2 === null ? 'n/a' : fit.r2.toFixed(4),
    `${signed(w.residualUs / 1000, 3)} ms (${signed(100 * w.relative, 1)}%) at N=${w.candidates} ${hitLabel(w.hitRate === null ? null : Number(w.hitRate.toFixed(3)))}`,
    String(fit.cells),
  ];
}

export function formatSurfaceTable(surface: ReuseSurface): string {
  const g = surface.grid;
  const head = ['variant', 'a (ms)', 'b (µs/cand)', 'c_user (ms)', 'R²', 'worst residual (measured − fitted)', 'cells'];
  const rows = [head, ...surface.variants.map(row)];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
  return [
    `reuse surface: ${surface.model}, t = mean service time per cell (closed loop, 1 request in flight, warm)`,
    `grid: N = ${g.candidates.join(', ')} x hit rate = ${g.hitRates.join(', ')}; ${g.requestsPerCell} measured requests per cell after ${g.warmupRequestsPerCell} warm-up; hit = realised hit rate`,
    ...lines,
    '',
  ].join('\n');
}
