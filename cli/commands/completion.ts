/** `ugbench completion bash|zsh`: print a completion script (install lines in its header). */
import type { Register } from '../main.ts';
import { choiceOption } from '../options.ts';
import { allCommands } from '../help-texts.ts';
import { COMMANDS } from './index.ts';
import { bashCompletion, completionModel, zshCompletion } from '../completion/scripts.ts';

const SHELLS = ['bash', 'zsh'] as const;

export const registerCompletion: Register = (program) => {
  program
    .command('completion')
    .description('print a shell completion script: ugbench completion bash > ~/.local/share/bash-completion/completions/ugbench, or ugbench completion zsh > "a folder on $fpath"/_ugbench')
    .argument('<shell>', `shell: ${SHELLS.join(', ')}`, choiceOption(SHELLS))
    .action(async (shell: (typeof SHELLS)[number]) => {
      const model = completionModel(await allCommands(), new Map(COMMANDS.map((c) => [c.name, c.summary])));
      process.stdout.write(shell === 'bash' ? bashCompletion(model) : zshCompletion(model));
    });
};
