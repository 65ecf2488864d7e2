import type { Command } from "commander";

/** For each command path ("" is `slipway` itself): its subcommands and its options. */
export type CompletionTable = Map<string, { subcommands: string[]; options: string[] }>;

const optionFlags = (command: Command) =>
  command.options.flatMap((option) =>
    [option.short, option.long].filter((flag): flag is string => Boolean(flag)),
  );

/** Pure: the completion table of a program, read from commander's own tree. */
export function completionTable(program: Command): CompletionTable {
  const table: CompletionTable = new Map();
  const globalOptions = [...optionFlags(program), "--help"];
  const visit = (command: Command, path: string) => {
    const subcommands = command.commands.map((sub) => sub.name());
    const options = path
      ? [...new Set([...optionFlags(command), ...globalOptions])]
      : globalOptions;
    table.set(path, { subcommands, options });
    for (const sub of command.commands) visit(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  visit(program, "");
  return table;
}

const caseArms = (table: CompletionTable, pick: "subcommands" | "options") =>
  [...table].map(([path, entry]) => `    "${path}") echo "${entry[pick].join(" ")}" ;;`).join("\n");

/** Pure: a bash completion script (`source <(slipway completion bash)`). */
export function bashCompletionScript(table: CompletionTable): string {
  return `# slipway completion for bash: source <(slipway completion bash)
_slipway_subcommands() {
  case "$1" in
${caseArms(table, "subcommands")}
  esac
}
_slipway_options() {
  case "$1" in
${caseArms(table, "options")}
  esac
}
_slipway() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmdpath="" word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    case " $(_slipway_subcommands "$cmdpath") " in
      *" $word "*) cmdpath="\${cmdpath:+$cmdpath }$word" ;;
    esac
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_slipway_options "$cmdpath")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_slipway_subcommands "$cmdpath")" -- "$cur"))
  fi
}
complete -o default -F _slipway slipway
`;
}

/** Pure: a zsh completion script (`source <(slipway completion zsh)`, or save it as `_slipway` in $fpath). */
export function zshCompletionScript(table: CompletionTable): string {
  return `#compdef slipway
# slipway completion for zsh: source <(slipway completion zsh)
_slipway_subcommands() {
  case "$1" in
${caseArms(table, "subcommands")}
  esac
}
_slipway_options() {
  case "$1" in
${caseArms(table, "options")}
  esac
}
_slipway() {
  local cmdpath="" word i subs
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    [[ "$word" == -* ]] && continue
    if [[ " $(_slipway_subcommands "$cmdpath") " == *" $word "* ]]; then
      cmdpath="\${cmdpath:+$cmdpath }$word"
    fi
  done
  if [[ "\${words[CURRENT]}" == -* ]]; then
    compadd -- \${=$(_slipway_options "$cmdpath")}
  else
    subs="$(_slipway_subcommands "$cmdpath")"
    if [[ -n "$subs" ]]; then compadd -- \${=subs}; else _files; fi
  fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _slipway "$@"
else
  compdef _slipway slipway
fi
`;
}
