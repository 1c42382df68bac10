/**
 * Every command registered at once (each module loaded), for what needs them all: the help
 * texts the build records (`ugbench <cmd> --help` then needs no command module) and the shell
 * completion scripts.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { COMMANDS } from './commands/index.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
/** Written by bin/build.mjs; bin/ugbench.mjs runs the compiled code only while it matches the sources. */
const STAMP_FILE = join(ROOT, '.ugbench-build.json');

export async function allCommands(): Promise<Command> {
  const program = new Command('ugbench');
  for (const entry of COMMANDS) (await entry.load())(program, () => {});
  return program;
}

export async function commandHelpTexts(): Promise<Record<string, string>> {
  const program = await allCommands();
  return Object.fromEntries(program.commands.map((c) => [c.name(), c.helpInformation()]));
}

/**
 * The recorded help of a command, when running the compiled build (which bin/ugbench.mjs loads
 * only while its stamp matches the sources); undefined when running the sources through tsx.
 */
export function recordedHelp(name: string): string | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  try {
    const stamp = JSON.parse(readFileSync(STAMP_FILE, 'utf8')) as { help?: Record<string, string> };
    return stamp.help?.[name];
  } catch {
    return undefined;
  }
}
