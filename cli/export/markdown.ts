/**
 * `ugbench export-results --format markdown`: a summary for `$GITHUB_STEP_SUMMARY` or a pull
 * request comment. The verdict comes first (status, SLO, the scenario's thresholds), then one
 * table row per run with 95% intervals on p50 and p99 (cli/export/quantile-interval.ts).
 */
import { fromEncoded } from '../../harness/results/compare/sample.ts';
import { evaluateThresholds } from '../../harness/results/gates/evaluate.ts';
import { formatVerdicts } from '../../harness/results/gates/report.ts';
import { thresholdsFromScenario } from '../../harness/results/gates/source.ts';
import type { RunResult } from '../../harness/results/contract.ts';
import { formatLabels } from '../labels.ts';
import type { SourcedResults } from './csv.ts';
import { quantileInterval, type QuantileInterval } from './quantile-interval.ts';

const ms = (us: number): string => (us / 1000).toFixed(us >= 100_000 ? 0 : us >= 10_000 ? 1 : 2);

/** `12.3 [11.9, 12.8]`; an open upper end when too few requests lie beyond the quantile */
function withInterval(i: QuantileInterval): string {
  if (i.count === 0) return 'no data';
  return `${ms(i.estimateUs)} [${i.lowUs === null ? '?' : ms(i.lowUs)}, ${i.highUs === null ? '?' : ms(i.highUs)}]`;
}

function runRow(run: RunResult): string {
  const sample = fromEncoded(run.histograms.overall);
  const rt = run.runtime;
  const cells = [
    `\`${run.id}\``,
    `${rt.runtime} (${rt.provider}, ${rt.threads} threads)`,
    String(run.counts.completed),
    withInterval(quantileInterval(sample, 0.5)),
    withInterval(quantileInterval(sample, 0.99)),
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
    out.push('| run | ran on | done | p50 ms [95% CI] | p99 ms [95% CI] | req/s | hit | SLO | validity |');
    out.push('|---|---|--:|--:|--:|--:|--:|---|---|');
    out.push(...file.results.runs.map(runRow), '');
    out.push(...file.results.runs.map((r) => `- \`${r.id}\` precision: weights ${r.runtime.weightPrecision}; activations ${r.runtime.activationPrecision}`), '');
  }
  out.push(
    'Intervals: 95% distribution-free intervals for the percentile from the run\'s own requests (order statistics); they cover sampling noise within the run, not run-to-run noise. `?` = too few requests beyond the percentile to bound it.',
    '',
  );
  return out.join('\n');
}
