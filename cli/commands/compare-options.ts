/** Options shared by `gate --baseline` and `compare`: the decision rule and the bootstrap. */
import { InvalidArgumentError, type Command } from 'commander';
import type { CompareOptions } from '../../harness/results/compare/runs.ts';

function numberIn(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`expected a number in [${min}, ${max}], got ${JSON.stringify(value)}`);
    return n;
  };
}

export function addCompareOptions(command: Command): Command {
  return command
    .option('--tolerance <pct>', 'relative change treated as noise, percent; a regression needs the whole interval above it', numberIn(0, 1000), 5)
    .option('--min-effect-ms <ms>', 'smallest absolute change of a quantile worth flagging, milliseconds', numberIn(0, 1e9), 0.05)
    .option('--confidence <level>', 'two-sided confidence level of the bootstrap interval', numberIn(0.5, 0.9999), 0.95)
    .option('--replicates <n>', 'bootstrap replicates', numberIn(100, 1e6), 1000)
    .option('--seed <n>', 'bootstrap seed (same seed, same interval)', numberIn(0, 2 ** 32 - 1), 1);
}

export interface CompareFlags {
  tolerance: number;
  minEffectMs: number;
  confidence: number;
  replicates: number;
  seed: number;
}

export function compareOptionsFrom(flags: CompareFlags): CompareOptions {
  return {
    rule: { tolerance: flags.tolerance / 100, minEffect: flags.minEffectMs * 1000 },
    confidence: flags.confidence,
    replicates: flags.replicates,
    seed: flags.seed,
  };
}
