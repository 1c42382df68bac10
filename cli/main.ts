/**
 * The composition root: the only place that wires harness/, models/ and reports/ together.
 * Each command lives in cli/commands/ and registers itself on the program; cli/commands/index.ts
 * lists them. Only the command being run is imported: the others appear as name and summary.
 */
import { Command, CommanderError } from 'commander';
import { ExitCode, InputError, UnavailableError, printable } from '../harness/errors.ts';
import { disableOrtTelemetry } from '../models/runtimes/ort-env.ts';
import { COMMANDS, commandNamed } from './commands/index.ts';
import { versionLine } from './version.ts';
import { recordedHelp } from './help-texts.ts';

export type Register = (program: Command, setExit: (code: number) => void) => void;

export async function main(argv: string[]): Promise<number> {
  disableOrtTelemetry(); // before any command loads onnxruntime or starts a worker
  let exitCode: number = ExitCode.ok;
  const args = argv.slice(2);
  const program = new Command('ugbench')
    .description('Benchmark and load-test RankMixer, UG-Sep and UG-Sep W8A16 ranking models side by side')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  // the version line spawns git: build it only when it is asked for
  const asksVersion = args.length === 1 && (args[0] === '--version' || args[0] === '-V');
  program.version(asksVersion ? versionLine() : '', '-V, --version', 'print the version and the commit');
  try {
    const wanted = commandNamed(args);
    const help = wanted && asksHelpOf(args, wanted.name) ? recordedHelp(wanted.name) : undefined;
    if (help !== undefined) {
      process.stdout.write(help);
      return ExitCode.ok;
    }
    for (const entry of COMMANDS) {
      if (entry === wanted) (await entry.load())(program, (code) => (exitCode = code));
      else program.command(entry.name).summary(entry.summary).description(entry.summary).helpOption(false);
    }
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportError(error);
  }
}

/** `ugbench <cmd> --help` or `ugbench help <cmd>`, nothing else. */
function asksHelpOf(args: readonly string[], name: string): boolean {
  return args.length === 2 && ((args[0] === name && (args[1] === '--help' || args[1] === '-h')) || (args[0] === 'help' && args[1] === name));
}

/** Errors at the edge: one clear line for bad input (104), a stack only for real crashes (1). */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // help and version exit 0; usage errors were already printed by commander
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
  }
  if (error instanceof InputError || error instanceof UnavailableError) {
    process.stderr.write(printable(`ugbench: ${error.message}\n`));
    return ExitCode.invalidInput;
  }
  process.stderr.write(printable(`ugbench: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`));
  return ExitCode.crash;
}
