import type { Command } from "commander";
import type { EnvironmentRef } from "../api/slipway-api.js";
import { SlipwayApi } from "../api/slipway-api.js";
import { usageError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { loadCredentials } from "../config/credentials.js";
import { Output, type OutputFormat } from "../output/output.js";

/** What every command's action gets: the outside world, its output, and (once logged in) the API. */
export interface CommandContext {
  io: CliIo;
  output: Output;
  api(): Promise<SlipwayApi>;
}

export function commandContext(io: CliIo, command: Command): CommandContext {
  const format = (command.optsWithGlobals().output ?? "text") as OutputFormat;
  return {
    io,
    output: new Output(format, io),
    api: async () => new SlipwayApi(await loadCredentials(io.env), io.fetch),
  };
}

/** `-p/--project`, `-a/--app`, `-e/--environment`: which environment a command acts on. */
export function withTarget(command: Command): Command {
  return command
    .option("-p, --project <project>", "project id or slug")
    .option("-a, --app <app>", "app id or slug")
    .option("-e, --environment <environment>", "environment id or slug", "production");
}

export function readTarget(options: {
  project?: string;
  app?: string;
  environment?: string;
}): EnvironmentRef {
  if (!options.project || !options.app) {
    throw usageError("Say which app: --project <project> --app <app> (ids or slugs).");
  }
  return {
    project: options.project,
    app: options.app,
    environment: options.environment ?? "production",
  };
}

/** `--help` text: examples under the options. */
export const examples = (...lines: string[]) =>
  `\nExamples:\n${lines.map((line) => `  $ ${line}`).join("\n")}\n`;

/** A positive whole number option (`--limit 20`), or a usage error naming it. */
export function positiveInteger(name: string) {
  return (value: string) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1)
      throw usageError(`${name} must be a positive whole number.`);
    return parsed;
  };
}

/** Pure: a DNS-label slug from a name (`My App` → `my-app`). */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
}
