import type { Command } from "commander";
import { usageError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import {
  bashCompletionScript,
  completionTable,
  zshCompletionScript,
} from "../completion/completion-script.js";
import { examples } from "./command-context.js";

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
    .action((shell: string) => {
      const table = completionTable(program);
      if (shell === "bash") io.stdout.write(bashCompletionScript(table));
      else if (shell === "zsh") io.stdout.write(zshCompletionScript(table));
      else throw usageError(`No completion for ${JSON.stringify(shell)}: bash or zsh.`);
    });
}
