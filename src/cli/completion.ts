// `task-history completion bash|zsh`: a shell completion script written from the program
// itself (its commands, their flags, the values of flags with a fixed set: --source,
// --status, --format, --by, --details…), so a flag added to a command is completed without
// anyone remembering to edit a script. Nothing in it runs task-history: completing is instant
// and cannot fail.
import { Argument, type Command, type Option } from 'commander';
import { RUN_STATUSES } from '../core/model';

export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

export const COMPLETION_HELP = `Shell completion:
  bash  task-history completion bash > ~/.local/share/bash-completion/completions/task-history
        (or add to ~/.bashrc:  eval "$(task-history completion bash)")
  zsh   task-history completion zsh > ~/.zfunc/_task_history
        with fpath=(~/.zfunc $fpath) before compinit in ~/.zshrc
        (or add to ~/.zshrc, after compinit:  eval "$(task-history completion zsh)")
  Then open a new shell.`;

/** What the shell offers after a flag that takes a value. */
type FlagValues = { readonly kind: 'words'; readonly words: readonly string[] } | { readonly kind: 'files' } | { readonly kind: 'free' };

interface FlagSpec {
  readonly names: readonly string[];
  readonly description: string;
  /** undefined: a switch. */
  readonly values?: FlagValues;
  readonly optionalValue: boolean;
}

interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly flags: readonly FlagSpec[];
  /** The values of a first argument with a fixed set (completion's own bash|zsh). */
  readonly argumentWords?: readonly string[];
}

/** Flags whose values the parser accepts from a list it does not declare as choices. */
const KNOWN_VALUES: Readonly<Record<string, readonly string[]>> = {
  '--status': RUN_STATUSES.filter((s) => s !== 'unknown'),
};

function flagValues(option: Option): FlagValues | undefined {
  if (!option.required && !option.optional) return undefined;
  if (option.argChoices?.length) return { kind: 'words', words: option.argChoices };
  const known = option.long ? KNOWN_VALUES[option.long] : undefined;
  if (known) return { kind: 'words', words: known };
  return /[<[](?:file|path)[>\]]/.test(option.flags) ? { kind: 'files' } : { kind: 'free' };
}

function describe(command: Command): CommandSpec {
  const flags: FlagSpec[] = command.options
    .filter((o) => !o.hidden)
    .map((o) => ({
      names: [o.long, o.short].filter((n): n is string => typeof n === 'string'),
      description: o.description,
      values: flagValues(o),
      optionalValue: o.optional,
    }));
  flags.push({ names: ['--help', '-h'], description: 'show help', optionalValue: false });
  const first = (command.registeredArguments as readonly Argument[])[0];
  return { name: command.name(), description: command.description(), flags, argumentWords: first?.argChoices };
}

/** The commands and flags a script completes, from the program as built. */
export function completionSpec(program: Command): { readonly commands: readonly CommandSpec[]; readonly globalFlags: readonly string[] } {
  const commands = program.commands.filter((c) => !(c as Command & { _hidden?: boolean })._hidden).map(describe);
  const globalFlags = ['--help', '-h', ...program.options.flatMap((o) => [o.long, o.short].filter((n): n is string => typeof n === 'string'))];
  return { commands, globalFlags };
}

export function completionScript(shell: CompletionShell, program: Command): string {
  return shell === 'bash' ? bashScript(program) : zshScript(program);
}

/** Words are flag names, command names and choice values: checked, so nothing in a script needs quoting. */
function safeWords(words: readonly string[]): string {
  for (const word of words) if (!/^[A-Za-z0-9_.:/-]+$/.test(word)) throw new Error(`completion: cannot put ${JSON.stringify(word)} in a script`);
  return words.join(' ');
}

function bashScript(program: Command): string {
  const { commands, globalFlags } = completionSpec(program);
  const valueCases: string[] = [];
  const flagCases: string[] = [];
  for (const command of commands) {
    for (const flag of command.flags) {
      if (!flag.values) continue;
      const pattern = flag.names.map((n) => `${command.name}:${n}`).join('|');
      const action =
        flag.values.kind === 'words'
          ? `COMPREPLY=($(compgen -W '${safeWords(flag.values.words)}' -- "$cur"))`
          : flag.values.kind === 'files'
            ? `COMPREPLY=($(compgen -f -- "$cur"))`
            : 'COMPREPLY=()';
      // An optional value ([file]) may be left out: then the next word is a flag, completed as one.
      const guard = flag.optionalValue ? `[[ "$cur" == -* ]] || { ${action}; return 0; }` : `${action}; return 0`;
      valueCases.push(`    ${pattern}) ${guard} ;;`);
    }
    const words = command.flags.flatMap((f) => f.names);
    const argument = command.argumentWords ? `\n      [[ "$cur" == -* ]] || { COMPREPLY=($(compgen -W '${safeWords(command.argumentWords)}' -- "$cur")); return 0; }` : '';
    flagCases.push(`    ${command.name})${argument}\n      words='${safeWords(words)}' ;;`);
  }
  return `# bash completion for task-history (task-history completion bash).
# Install: task-history completion bash > ~/.local/share/bash-completion/completions/task-history
#      or: eval "$(task-history completion bash)" in ~/.bashrc
_task_history() {
  local cur prev cmd i words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev=""
  ((COMP_CWORD > 0)) && prev="\${COMP_WORDS[COMP_CWORD - 1]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W '${safeWords([...commands.map((c) => c.name), ...globalFlags])}' -- "$cur"))
    return 0
  fi
  case "$cmd:$prev" in
${valueCases.join('\n')}
  esac
  case "$cmd" in
${flagCases.join('\n')}
    *) return 0 ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  fi
  return 0
}
complete -o default -F _task_history task-history
`;
}

/** A description inside a zsh _arguments spec: its first sentence, one line, with the spec's own characters escaped, then single-quoted. */
function zshDescription(text: string): string {
  const first =
    text
      .replace(/\s+/g, ' ')
      .split(/(?<=[.;])\s(?=[A-Z])|\s\(/)[0]!
      .replace(/[.;:]$/, '')
      .slice(0, 80) || '';
  return first.replace(/[\\[\]:]/g, (c) => `\\${c}`).replace(/'/g, `'\\''`);
}

function zshFlag(flag: FlagSpec): string {
  const description = zshDescription(flag.description);
  const values = flag.values;
  const action =
    values === undefined
      ? ''
      : `${flag.optionalValue ? '::' : ':'}${values.kind === 'files' ? 'file:_files' : values.kind === 'words' ? `value:(${safeWords(values.words)})` : 'value: '}`;
  if (flag.names.length === 1) return `'${safeWords(flag.names)}[${description}]${action}'`;
  // Aliases (-h, --help): either one, not both.
  return `'(${safeWords(flag.names)})'{${flag.names.join(',')}}'[${description}]${action}'`;
}

function zshScript(program: Command): string {
  const { commands } = completionSpec(program);
  const list = commands.map((c) => `    '${c.name}:${zshDescription(c.description)}'`).join('\n');
  const cases = commands
    .map((c) => {
      const argument = c.argumentWords ? ` \\\n        '1:shell:(${safeWords(c.argumentWords)})'` : '';
      const flags = c.flags.map((f) => `        ${zshFlag(f)}`).join(' \\\n');
      return `    ${c.name})\n      _arguments -s \\\n${flags}${argument}\n      ;;`;
    })
    .join('\n');
  return `#compdef task-history
# zsh completion for task-history (task-history completion zsh).
# Install: task-history completion zsh > ~/.zfunc/_task_history, with fpath=(~/.zfunc $fpath) before compinit
#      or: eval "$(task-history completion zsh)" in ~/.zshrc, after compinit
_task_history() {
  local -a commands
  commands=(
${list}
  )
  local curcontext="$curcontext" state line
  _arguments -C \\
    '(- *)'{-V,--version}'[print the version]' \\
    '(- *)'{-h,--help}'[show help]' \\
    '1: :->command' \\
    '*:: :->args'
  case $state in
    command) _describe -t commands 'task-history command' commands ;;
    args)
      case $words[1] in
${cases}
      esac
      ;;
  esac
}
if [[ "\${funcstack[1]}" == _task_history ]]; then
  _task_history "$@"
else
  compdef _task_history task-history
fi
`;
}
