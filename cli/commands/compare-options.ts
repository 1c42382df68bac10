/** Options shared by `gate --baseline` and `compare`: the decision rule and the bootstrap. */
import { InvalidArgumentError, type Command } from 'commander';
import type { CompareOptions } from '../../harness/results/compare/runs.ts';
import { allSetupDifferences, type LabelledResults } from '../../harness/results/compare/same-setup.ts';
import { InputError } from '../../harness/errors.ts';

function numberIn(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`expected a number in [${min}, ${max}], got ${JSON.stringify(value)}`);
    return n;
  };
}

/** `minRepeats`: this command's default for --min-repeats (gate --baseline compares one file with one). */
export function addCompareOptions(command: Command, minRepeats = 3): Command {
  return command
    .option('--tolerance <pct>', 'relative change treated as noise, percent; a regression needs the whole interval above it', numberIn(0, 1000), 5)
    .option('--min-effect-ms <ms>', 'smallest absolute change of a quantile worth flagging, milliseconds', numberIn(0, 1e9), 0.05)
    .option('--confidence <level>', 'two-sided confidence level of the bootstrap interval', numberIn(0.5, 0.9999), 0.95)
    .option('--replicates <n>', 'bootstrap replicates', numberIn(100, 1e6), 1000)
    .option('--min-repeats <n>', 'repeats per side a change beyond the tolerance needs to be declared; fewer = inconclusive', numberIn(1, 1000), minRepeats)
    .option('--allow-different', 'compare results of different scenarios, models, machines or runtimes (every difference is printed)')
    .option('--seed <n>', 'bootstrap seed (same seed, same interval)', numberIn(0, 2 ** 32 - 1), 1);
}

export interface CompareFlags {
  tolerance: number;
  minEffectMs: number;
  confidence: number;
  replicates: number;
  seed: number;
  minRepeats: number;
  allowDifferent?: boolean;
}

export function compareOptionsFrom(flags: CompareFlags): CompareOptions {
  return {
    rule: { tolerance: flags.tolerance / 100, minEffect: flags.minEffectMs * 1000, minRepeats: flags.minRepeats },
    confidence: flags.confidence,
    replicates: flags.replicates,
    seed: flags.seed,
  };
}

/**
 * The refusal shared by `compare` and `gate --baseline`: results of different scenarios,
 * models, machines or runtimes exit 104, unless --allow-different, which prints every
 * difference and goes on.
 */
export function checkSameSetup(files: readonly LabelledResults[], allowDifferent: boolean, out: (line: string) => void, command = 'compare'): void {
  const differences = allSetupDifferences(files);
  if (differences.length === 0) return;
  if (!allowDifferent) throw new InputError(command, [...differences, 'refusing to compare results of different setups; pass --allow-different to compare them anyway']);
  out(`--allow-different: comparing results that differ in ${differences.length} ways:`);
  for (const d of differences) out(`  ${d}`);
}
