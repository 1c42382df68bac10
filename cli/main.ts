/**
 * The composition root: the only place that wires harness/, models/ and reports/ together.
 * Each command lives in cli/commands/ and registers itself on the program.
 */
import { Command, CommanderError } from 'commander';
import { ExitCode, InputError, UnavailableError } from '../harness/errors.ts';
import { registerWeights } from './commands/weights.ts';
import { registerScore } from './commands/score.ts';
import { registerPresets } from './commands/presets.ts';
import { registerLimits } from './commands/limits.ts';
import { registerReport } from './commands/report.ts';
import { registerExport } from './commands/export.ts';
import { registerGate } from './commands/gate.ts';
import { registerCompare } from './commands/compare.ts';
import { registerSweep } from './commands/sweep.ts';
import { registerCapacity } from './commands/capacity.ts';
import { registerBench } from './commands/bench.ts';
import { registerServe } from './commands/serve.ts';
import { registerMerge } from './commands/merge.ts';
import { registerK8s } from './commands/k8s.ts';

export type Register = (program: Command, setExit: (code: number) => void) => void;

const COMMANDS: Register[] = [registerPresets, registerWeights, registerScore, registerGate, registerBench, registerExport, registerCompare, registerSweep, registerLimits, registerReport, registerCapacity, registerServe, registerMerge, registerK8s];

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = new Command('ugbench')
    .description('Benchmark and load-test RankMixer, UG-Sep and UG-Sep W8A16 ranking models side by side')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportError(error);
  }
}

/** Errors at the edge: one clear line for bad input (104), a stack only for real crashes (1). */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // help and version exit 0; usage errors were already printed by commander
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
  }
  if (error instanceof InputError || error instanceof UnavailableError) {
    process.stderr.write(`ugbench: ${error.message}\n`);
    return ExitCode.invalidInput;
  }
  process.stderr.write(`ugbench: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.crash;
}
