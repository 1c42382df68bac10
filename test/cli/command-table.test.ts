/**
 * The lazy command table (cli/commands/index.ts): every entry loads a module that registers a
 * command of that name, no command is registered that the table does not list, and argv picks
 * the command to load the way commander will dispatch it.
 */
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { COMMANDS, commandNamed } from '../../cli/commands/index.ts';
import { main } from '../../cli/main.ts';

describe('command table', () => {
  it('each entry registers exactly the command it names', async () => {
    for (const entry of COMMANDS) {
      const program = new Command('ugbench');
      (await entry.load())(program, () => {});
      expect(program.commands.map((c) => c.name())).toEqual([entry.name]);
      expect(entry.summary.length).toBeGreaterThan(0);
    }
  }, 120_000);

  it('finds the command in argv, after `help`, and none for global flags', () => {
    expect(commandNamed(['bench', 'x.yaml', '--duration', '1'])?.name).toBe('bench');
    expect(commandNamed(['help', 'report'])?.name).toBe('report');
    expect(commandNamed(['--help'])).toBeUndefined();
    expect(commandNamed(['nosuch'])).toBeUndefined();
  });

  it('an unknown command is a usage error (104), --version exits 0', async () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- saved to be put back on process.stderr, never called detached
    const err = process.stderr.write;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- saved to be put back on process.stdout, never called detached
    const out = process.stdout.write;
    let printed = '';
    process.stderr.write = () => true;
    process.stdout.write = (s: string) => ((printed += s), true);
    try {
      expect(await main(['node', 'ugbench', 'nosuch'])).toBe(104);
      expect(await main(['node', 'ugbench', '--version'])).toBe(0);
    } finally {
      process.stderr.write = err;
      process.stdout.write = out;
    }
    expect(printed).toMatch(/^ugbench \d+\.\d+\.\d+ \(commit [0-9a-f]{12}(-dirty)?\)\n$/);
  });
});
