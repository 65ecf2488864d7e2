import { type Command, Option } from "commander";
import type { DeploymentLogLine } from "../api/slipway-api.js";
import type { CliIo } from "../cli-io.js";
import { drainLog, followDeployment } from "../deploy/follow-deployment.js";
import { type Progress, sanitizeLine } from "../output/progress.js";
import { commandContext, examples, positiveInteger } from "./command-context.js";

// `logs` prints the lines themselves on stdout; it has no steps to show.
const noProgress: Progress = { step() {}, log() {}, end() {} };

export function logsCommand(program: Command, io: CliIo, setExitCode: (code: number) => void) {
  program
    .command("logs")
    .description("Print a deployment's build and rollout log")
    .argument("<deployment>", "deployment id")
    .option("-f, --follow", "keep printing new lines until the deployment is ready or has ended")
    .addOption(
      new Option("--poll-interval <ms>", "how often to ask for new lines")
        .default(1000)
        .argParser(positiveInteger("--poll-interval"))
        .hideHelp(),
    )
    .addHelpText(
      "after",
      `${examples(
        "slipway logs dep_123",
        "slipway logs dep_123 --follow",
        "slipway logs dep_123 --output=json | jq -r .message",
      )}
With --output=json every line is one JSON object ({ seq, timestamp, step, stream, message }).
With --follow the exit code says how the deployment ended (4 build failed, 5 rollout failed).
`,
    )
    .action(
      async (
        deploymentId: string,
        options: { follow?: boolean; pollInterval: number },
        command: Command,
      ) => {
        const { output, api: connect } = commandContext(io, command);
        const api = await connect();
        // Printed as they come (a log may hold 50 000 lines), one JSON object a line with --output=json.
        const print = (line: DeploymentLogLine) =>
          io.stdout.write(
            output.json ? `${JSON.stringify(line)}\n` : `${sanitizeLine(line.message)}\n`,
          );
        if (!options.follow) {
          await drainLog(api, deploymentId, undefined, print);
          return;
        }
        const { outcome } = await followDeployment(
          api,
          io,
          deploymentId,
          noProgress,
          { pollMs: options.pollInterval, timeoutMs: Number.POSITIVE_INFINITY },
          print,
        );
        if (outcome.kind === "ended") {
          output.note(outcome.message);
          setExitCode(outcome.exitCode);
        }
      },
    );
}
