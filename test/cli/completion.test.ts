/**
 * `ugbench completion bash|zsh`: the bash script completes command names and a command's options
 * in a real bash (COMP_WORDS driven); the zsh script is checked by zsh -n where zsh exists.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { allCommands } from '../../cli/help-texts.ts';
import { COMMANDS } from '../../cli/commands/index.ts';
import { bashCompletion, completionModel, zshCompletion } from '../../cli/completion/scripts.ts';

const model = completionModel(await allCommands(), new Map(COMMANDS.map((c) => [c.name, c.summary])));
const hasShell = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;

/** COMPREPLY after completing `words` (the last one is being typed) in bash. */
function bashComplete(words: string[]): string[] {
  const script = `${bashCompletion(model)}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _ugbench; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('completion', () => {
  it.skipIf(!hasShell('bash'))('bash completes commands and each command\'s options', () => {
    expect(bashComplete(['ugbench', 'exp'])).toEqual(['export-results', 'export']);
    expect(bashComplete(['ugbench', 'bench', '--du'])).toEqual(['--duration']);
    expect(bashComplete(['ugbench', 'export-results', '--f'])).toEqual(['--format']);
    expect(bashComplete(['ugbench', 'bench', '--nosuch'])).toEqual([]); // negative control
    expect(bashComplete(['ugbench', 'help', 'capa'])).toEqual(['capacity']);
  });

  it('lists every command with its options', () => {
    expect(model.map((c) => c.name).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    expect(model.find((c) => c.name === 'bench')?.options.find((o) => o.flag === '--label')?.takesValue).toBe(true);
    expect(model.find((c) => c.name === 'bench')?.options.find((o) => o.flag === '--json')?.takesValue).toBe(false);
  });

  it.skipIf(!hasShell('zsh'))('zsh script parses (zsh -n)', () => {
    const r = spawnSync('zsh', ['-n'], { input: zshCompletion(model), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('zsh script has no unescaped description characters that break _arguments', () => {
    const script = zshCompletion(model);
    for (const line of script.split('\n').filter((l) => l.includes('_arguments'))) {
      for (const spec of line.match(/'--[^']*'/g) ?? []) expect(spec).toMatch(/^'--[a-z0-9-]+\[[^[\]:]*\](:value:_files)?'$/);
    }
  });
});
