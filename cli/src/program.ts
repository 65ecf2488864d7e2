import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { CliError, exitCodes } from "./cli-error.js";
import type { CliIo } from "./cli-io.js";
import { appsCommand } from "./commands/apps.js";
import { completionCommand } from "./commands/completion.js";
import { deployCommand } from "./commands/deploy.js";
import { deploymentsCommand } from "./commands/deployments.js";
import { domainsCommand } from "./commands/domains.js";
import { envCommand } from "./commands/env.js";
import { keysCommand } from "./commands/keys.js";
import { loginCommand } from "./commands/login.js";
import { logsCommand } from "./commands/logs.js";
import { projectsCommand } from "./commands/projects.js";
import { requestsCommand } from "./commands/requests.js";
import { Output, type OutputFormat, outputFormats } from "./output/output.js";

/** The version `--version` prints: the cli package's own. */
const cliVersion = () =>
  (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    }
  ).version;

const exitCodeHelp = `
Exit codes:
  0  done
  1  the answer was no (keys verify: not valid), or an unexpected error
  2  usage: a wrong command, option or argument, not logged in, a directory that cannot be deployed
  3  the API refused the call (its detail and request id are printed) or could not be reached
  4  the build failed
  5  the rollout failed, or the deployment ended without running (cancelled, superseded, timed out)

Environment: SLIPWAY_URL and SLIPWAY_ROOT_KEY override what \`slipway login\` stored.
`;

/** The `slipway` program: every command, writing to `io`; the composition root of the CLI. */
export function makeProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command("slipway")
    .description("Deploy to Slipway and manage its projects, apps, environments, domains and keys")
    .version(cliVersion(), "-V, --version")
    .addOption(
      new Option("-o, --output <format>", "text for people, json for scripts")
        .choices(outputFormats)
        .default("text"),
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError("(add --help for usage)")
    .showSuggestionAfterError()
    .addHelpText("after", exitCodeHelp);
  loginCommand(program, io);
  deployCommand(program, io);
  deploymentsCommand(program, io);
  logsCommand(program, io, setExitCode);
  requestsCommand(program, io);
  envCommand(program, io);
  domainsCommand(program, io);
  keysCommand(program, io, setExitCode);
  projectsCommand(program, io);
  appsCommand(program, io);
  completionCommand(program, io);
  return program;
}

/** Pure: the `--output` format of an argument list, for reporting errors thrown before parsing ended. */
export function requestedFormat(argv: readonly string[]): OutputFormat {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (arg === "--") break;
    if (arg === "--output=json" || arg === "-ojson") return "json";
    if ((arg === "--output" || arg === "-o") && argv[index + 1] === "json") return "json";
  }
  return "text";
}

/** Runs `slipway` with `argv` (without `node` and the script) and answers its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = exitCodes.ok;
  const program = makeProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the problem (or the help) itself.
      const done = ["commander.helpDisplayed", "commander.help", "commander.version"];
      return done.includes(error.code) ? exitCodes.ok : exitCodes.usage;
    }
    const output = new Output(requestedFormat(argv), io);
    if (error instanceof CliError) {
      output.error(error);
      return error.exitCode;
    }
    const unexpected = new CliError(
      exitCodes.unexpected,
      `Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    output.error(unexpected);
    return exitCodes.unexpected;
  }
}
