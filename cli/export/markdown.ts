/**
 * `ugbench export-results --format markdown`: a summary for `$GITHUB_STEP_SUMMARY` or a pull
 * request comment. The verdict comes first (status, SLO, the scenario's thresholds), then one
 * table row per run with its n and 95% intervals on p50 and p99 (cli/export/quantile-interval.ts),
 * a percentile n cannot support marked `*` and the console's notes under the table
 * (reports/percentiles.ts).
 */
import { fromEncoded, type WeightedSample } from '../../harness/results/compare/sample.ts';
import { evaluateThresholds } from '../../harness/results/gates/evaluate.ts';
import { formatVerdicts } from '../../harness/results/gates/report.ts';
import { thresholdsFromScenario } from '../../harness/results/gates/source.ts';
import type { RunResult } from '../../harness/results/contract.ts';
import { formatLabels } from '../labels.ts';
import { latencyN, ms, percentileMs, percentileNotes } from '../../reports/percentiles.ts';
import { runRows } from '../../reports/runs.ts';
import type { SourcedResults } from './csv.ts';
import { quantileInterval } from './quantile-interval.ts';

/** the percentiles of the table */
const PERCENTILES = [50, 99];

/** a `*` that Markdown shows as itself */
const literalStars = (text: string): string => text.replace(/\*/g, '\\*');

/**
 * `12.3 [11.9, 12.8]`, the estimate marked `*` when the run's n cannot support the percentile;
 * an open upper end when too few requests lie beyond the quantile
 */
function withInterval(sample: WeightedSample, run: RunResult, percentile: number): string {
  const i = quantileInterval(sample, percentile / 100);
  if (i.count === 0) return 'no data';
  return `${literalStars(percentileMs(i.estimateUs, percentile, latencyN(run)))} [${i.lowUs === null ? '?' : ms(i.lowUs)}, ${i.highUs === null ? '?' : ms(i.highUs)}]`;
}

function runRow(run: RunResult): string {
  const sample = fromEncoded(run.histograms.overall);
  const rt = run.runtime;
  const cells = [
    `\`${run.id}\``,
    `${rt.runtime} (${rt.provider}, ${rt.threads} threads)`,
    String(latencyN(run)),
    ...PERCENTILES.map((p) => withInterval(sample, run, p)),
    run.throughput.requestsPerS.toFixed(1),
    run.observedHitRate === null ? '-' : `${(run.observedHitRate * 100).toFixed(1)}%`,
    run.slo ? (run.slo.met ? 'met' : '**missed**') : '-',
    run.validity.status === 'valid' ? 'valid' : `**${run.validity.status}**: ${run.validity.reasons.join('; ')}`,
  ];
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

function verdictLines({ source, results }: SourcedResults): string[] {
  const missed = results.runs.filter((r) => r.slo && !r.slo.met).map((r) => r.id);
  const verdicts = evaluateThresholds(results, thresholdsFromScenario(results.scenario.effective, `${source} scenario`));
  const failed = verdicts.filter((v) => !v.pass).length;
  const pass = results.status === 'valid' && missed.length === 0 && failed === 0;
  const lines = [`### ${pass ? 'PASS' : 'FAIL'}: ${results.scenario.name} (${results.status.toUpperCase()})`, ''];
  lines.push(`- results: \`${source}\`, ${results.createdAt}, commit ${results.git.commit ?? 'unknown'}${results.git.dirty ? ' (dirty)' : ''}`);
  const labels = formatLabels(results.labels);
  if (labels) lines.push(`- labels: ${labels}`);
  lines.push(`- SLO: ${missed.length === 0 ? 'met by every run that has one' : `missed by ${missed.join(', ')}`}`);
  if (verdicts.length > 0) {
    lines.push(`- thresholds: ${verdicts.length - failed}/${verdicts.length} passed`, '', '```', ...formatVerdicts(verdicts), '```');
  }
  return lines;
}

export function resultsToMarkdown(files: readonly SourcedResults[]): string {
  const out: string[] = [];
  for (const file of files) {
    out.push(...verdictLines(file), '');
    out.push('| run | ran on | n | p50 ms [95% CI] | p99 ms [95% CI] | req/s | hit | SLO | validity |');
    out.push('|---|---|--:|--:|--:|--:|--:|---|---|');
    out.push(...file.results.runs.map(runRow), '');
    out.push(...percentileNotes(runRows([{ path: file.source, results: file.results }]), PERCENTILES).map((note) => `- ${literalStars(note)}`));
    out.push(...file.results.runs.map((r) => `- \`${r.id}\` precision: weights ${r.runtime.weightPrecision}; activations ${r.runtime.activationPrecision}`), '');
  }
  out.push(
    'n = completed requests the percentiles rest on; `*` = too few of them for a 99% upper bound of that percentile (the notes under the table say how many it needs).',
    'Intervals: 95% distribution-free intervals for the percentile from the run\'s own requests (order statistics); they cover sampling noise within the run, not run-to-run noise. `?` = too few requests beyond the percentile to bound it.',
    '',
  );
  return out.join('\n');
}
