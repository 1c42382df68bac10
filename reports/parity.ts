/**
 * Score parity figures as table data for the console and the HTML: per run, against the reference
 * runtime and against baseline, the largest and mean score drift, top-k overlap and Kendall tau
 * over the sampled requests (n), so a variant that got fast by getting wrong shows it.
 */
import type { ParityFigures } from '../harness/results/contract.ts';
import type { RunRow } from './runs.ts';

export interface ParityTable {
  headers: string[];
  rows: string[][];
  numeric: boolean[];
}

function figureRow(series: string, n: number, k: number, f: ParityFigures): string[] {
  return [series, f.against, String(n), f.maxAbsDrift.toExponential(2), f.meanAbsDrift.toExponential(2), f.topkOverlap.toFixed(3), f.kendallTau.toFixed(3)];
}

export function parityTable(rows: readonly RunRow[]): ParityTable | null {
  const body: string[][] = [];
  let k = 0;
  for (const row of rows) {
    const p = row.run.parity;
    if (!p || p.sampledRequests === 0) continue;
    k = p.k;
    for (const f of [p.vsReference, p.vsBaseline]) if (f) body.push(figureRow(row.series, p.sampledRequests, p.k, f));
  }
  if (body.length === 0) return null;
  return { headers: ['run', 'vs', 'n', 'max drift', 'mean drift', `top-${k} overlap`, 'Kendall tau'], rows: body, numeric: [false, false, true, true, true, true, true] };
}
