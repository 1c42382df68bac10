/**
 * Shell completion scripts for `ugbench completion bash|zsh`: command names, and each command's
 * options as commander registered them (so they cannot drift from the CLI); file names for
 * arguments and option values.
 */
import type { Command } from 'commander';

export interface CompletionCommand {
  name: string;
  summary: string;
  options: { flag: string; description: string; takesValue: boolean }[];
}

export function completionModel(program: Command, summaries: ReadonlyMap<string, string>): CompletionCommand[] {
  return program.commands.map((c) => ({
    name: c.name(),
    summary: summaries.get(c.name()) ?? c.description(),
    options: c.options.filter((o) => o.long).map((o) => ({ flag: o.long as string, description: o.description, takesValue: o.required || o.optional })),
  }));
}

export function bashCompletion(commands: readonly CompletionCommand[]): string {
  const cases = commands.map((c) => `    ${c.name}) opts="${[...c.options.map((o) => o.flag), '--help'].join(' ')}" ;;`).join('\n');
  return `# bash completion for ugbench: source this file, or save it as
# ~/.local/share/bash-completion/completions/ugbench
_ugbench() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${commands.map((c) => c.name).join(' ')} help --help --version" -- "$cur") )
    return
  fi
  local opts=""
  case "\${COMP_WORDS[1]}" in
${cases}
    help) COMPREPLY=( $(compgen -W "${commands.map((c) => c.name).join(' ')}" -- "$cur") ); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o filenames -o bashdefault -F _ugbench ugbench
`;
}

/** zsh _arguments / _describe text: no brackets, colons or quotes inside descriptions. */
function zshText(text: string): string {
  return text.replace(/[[\]:'\\]/g, ' ').replace(/`/g, '').replace(/\s+/g, ' ').trim();
}

export function zshCompletion(commands: readonly CompletionCommand[]): string {
  const described = commands.map((c) => `    '${c.name}:${zshText(c.summary)}'`).join('\n');
  const cases = commands
    .map((c) => {
      const specs = c.options.map((o) => `'${o.flag}[${zshText(o.description)}]${o.takesValue ? ':value:_files' : ''}'`);
      return `    ${c.name}) _arguments ${[...specs, "'*:file:_files'"].join(' ')} ;;`;
    })
    .join('\n');
  return `#compdef ugbench
# zsh completion for ugbench: save as _ugbench in a folder on $fpath, then run compinit
_ugbench() {
  local -a commands
  commands=(
${described}
  )
  if (( CURRENT == 2 )); then
    _describe 'ugbench command' commands
    return
  fi
  case $words[2] in
${cases}
  esac
}
_ugbench "$@"
`;
}
