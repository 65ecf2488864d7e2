import type { Command } from "commander";
import { usageError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import {
  bashCompletionScript,
  completionTable,
  zshCompletionScript,
} from "../completion/completion-script.js";
import { commandContext, examples } from "./command-context.js";

export function completionCommand(program: Command, io: CliIo) {
  program
    .command("completion")
    .description("Print a shell completion script (bash or zsh)")
    .argument("<shell>", "bash or zsh")
    .addHelpText(
      "after",
      examples(
        "source <(slipway completion bash)      # in ~/.bashrc",
        "source <(slipway completion zsh)       # in ~/.zshrc",
      ),
    )
    .action((shell: string, _options, command: Command) => {
      const table = completionTable(program);
      const makeScript = new Map([
        ["bash", bashCompletionScript],
        ["zsh", zshCompletionScript],
      ]).get(shell);
      if (!makeScript) throw usageError(`No completion for ${JSON.stringify(shell)}: bash or zsh.`);
      const script = makeScript(table);
      // The script itself is the text output; --output=json wraps it for tools that install it.
      const { output } = commandContext(io, command);
      if (output.json) output.result({ shell, script }, () => []);
      else io.stdout.write(script);
    });
}
