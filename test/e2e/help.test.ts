/**
 * Every command has --help: the commands are enumerated from the CLI program itself (each
 * command table entry registered on a commander program), not from a list in this test. Each
 * `ugbench <cmd> --help` exits 0 and prints its usage and every option the command registers.
 */
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { COMMANDS } from '../../cli/commands/index.ts';
import { main } from '../../cli/main.ts';

async function registeredCommands(): Promise<readonly Command[]> {
  const program = new Command('ugbench');
  for (const entry of COMMANDS) (await entry.load())(program, () => {});
  return program.commands;
}

async function helpOf(name: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(['node', 'ugbench', name, '--help']), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const commands = await registeredCommands();

describe('every command has --help', () => {
  it('the program registers every command of the table, at least the 14 shipped ones', () => {
    expect(commands.map((c) => c.name()).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    expect(commands.length).toBeGreaterThanOrEqual(14);
  });

  it.each(commands.map((c) => [c.name(), c] as const))('%s --help: exit 0, usage and every option', async (name, command) => {
    const r = await helpOf(name);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: ugbench ${name}`);
    expect(command.description().length).toBeGreaterThan(0);
    for (const option of command.options) expect(r.stdout).toContain(option.long ?? option.flags);
  });
});
