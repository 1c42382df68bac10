/**
 * `ugbench export-results <results.json...> [--format csv|markdown|json] [--out FILE]`: results
 * in the forms other tools read. CSV: one row per run and per tag bucket. Markdown: verdict
 * first, then a table with intervals (for $GITHUB_STEP_SUMMARY or a pull request). JSON: the
 * results files as one array. Writes to stdout unless --out.
 */
import { writeFileSync } from 'node:fs';
import type { Register } from '../main.ts';
import { choiceOption } from '../options.ts';
import { readResultsFile } from '../../harness/results/read.ts';
import { resultsToCsv, type SourcedResults } from '../export/csv.ts';
import { resultsToMarkdown } from '../export/markdown.ts';

const FORMATS = ['csv', 'markdown', 'json'] as const;
type Format = (typeof FORMATS)[number];

const RENDER: Record<Format, (files: readonly SourcedResults[]) => string> = {
  csv: resultsToCsv,
  markdown: resultsToMarkdown,
  json: (files) => `${JSON.stringify(files.map((f) => f.results), null, 2)}\n`,
};

export const registerExportResults: Register = (program) => {
  program
    .command('export-results')
    .description('write results JSON as CSV (one row per run and per tag bucket), a Markdown summary (verdict first, then a table with intervals) or JSON, on stdout or to --out')
    .argument('<results...>', 'results.json files written by `ugbench bench` (or `ugbench merge`)')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, choiceOption(FORMATS), 'csv')
    .option('--out <file>', 'write to this file instead of stdout')
    .action((paths: string[], opts: { format: Format; out?: string }) => {
      const files = paths.map((source) => ({ source, results: readResultsFile(source) }));
      const text = RENDER[opts.format](files);
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });
};
