/**
 * `ugbench history add results.json --store FILE` appends a compact record of a results file to
 * a JSON-lines store; `ugbench history check --store FILE` searches every metric's series for
 * change points and names the commit where each changed.
 * Exit 0 ok; 99 the newest commit starts a regression; 104 bad input.
 */
import { InvalidArgumentError } from 'commander';
import type { Register } from '../main.ts';
import { ExitCode, InputError } from '../../harness/errors.ts';
import { readResultsFile } from '../../harness/results/read.ts';
import { appendHistory, readHistory, toHistoryRecord } from '../../harness/results/history/store.ts';
import { checkHistory, formatHistoryCheck } from '../../harness/results/history/check.ts';
import { integerOption } from '../options.ts';

interface AddFlags {
  store: string;
  commit?: string;
  label: string[];
}

interface CheckFlags {
  store: string;
  window: number;
  significance: number;
  minChangePct: number;
}

function label(value: string, all: string[]): string[] {
  if (!/^[^=\s]+=.*$/.test(value)) throw new InvalidArgumentError(`expected key=value, got ${JSON.stringify(value)}`);
  return [...all, value];
}

function probability(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n < 1)) throw new InvalidArgumentError(`expected a probability in (0, 1), got ${JSON.stringify(value)}`);
  return n;
}

function percent(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1000)) throw new InvalidArgumentError(`expected a percentage in [0, 1000], got ${JSON.stringify(value)}`);
  return n;
}

export const registerHistory: Register = (program, setExit) => {
  const history = program.command('history').description('keep a history of results per commit and find where each metric changed');
  history
    .command('add')
    .description('append a compact record of a results file (commit, labels, percentiles, histograms) to a JSON-lines store')
    .argument('<results>', 'results.json written by `ugbench bench`')
    .requiredOption('--store <file>', 'the JSON-lines history store (created if absent)')
    .option('--commit <sha>', "the commit measured (default: the results file's git commit)")
    .option('--label <key=value>', 'a label to keep with the record, e.g. branch=main (repeatable)', label, [] as string[])
    .action((resultsPath: string, flags: AddFlags) => {
      const results = readResultsFile(resultsPath);
      const commit = flags.commit ?? results.git.commit;
      if (!commit) throw new InputError(resultsPath, ['git.commit: expected a commit (the results were not from a git checkout); pass --commit']);
      const labels = Object.fromEntries(flags.label.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      const record = toHistoryRecord(results, commit, labels);
      appendHistory(flags.store, record);
      process.stdout.write(`history: added ${commit} (${record.scenario.name}, ${record.runs.length} runs, status ${record.status}) to ${flags.store}\n`);
      setExit(ExitCode.ok);
    });
  history
    .command('check')
    .description('change-point detection over the store; exit 99 when the newest commit starts a regression')
    .requiredOption('--store <file>', 'the JSON-lines history store')
    .option('--window <n>', 'points each side of a split the t-test uses', integerOption(2), 10)
    .option('--significance <p>', 'p-value below which a change is real', probability, 0.001)
    .option('--min-change-pct <pct>', 'smallest relative change to report, percent', percent, 0)
    .action((flags: CheckFlags) => {
      const check = checkHistory(readHistory(flags.store), { window: flags.window, significance: flags.significance, minRelativeChange: flags.minChangePct / 100 });
      for (const line of formatHistoryCheck(check)) process.stdout.write(`${line}\n`);
      const regressed = check.series.filter((s) => s.newestRegressed);
      process.stdout.write(
        regressed.length > 0
          ? `history check FAILED: the newest commit ${check.newestCommit?.slice(0, 12)} starts a regression in ${regressed.length} series\n`
          : `history check passed: the newest commit ${check.newestCommit?.slice(0, 12) ?? '(none)'} starts no regression\n`,
      );
      setExit(regressed.length > 0 ? ExitCode.gatesFailed : ExitCode.ok);
    });
};
