import type { Command } from "commander";
import { SlipwayApi } from "../api/slipway-api.js";
import { CliError, usageError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { credentialsPath, writeStoredCredentials } from "../config/credentials.js";
import { readSecret } from "../input/read-input.js";
import { commandContext, examples } from "./command-context.js";

/** Pure: the API URL as stored, or a usage error (only http and https). */
export function normalizeApiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(
      `${JSON.stringify(raw)} is not a URL; give the API's address, e.g. http://127.0.0.1:7070.`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(`The API URL must start with http:// or https://, not ${url.protocol}//.`);
  }
  return url.toString().replace(/\/+$/, "");
}

export function loginCommand(program: Command, io: CliIo) {
  program
    .command("login")
    .description(
      "Store the API URL and a root key (read from stdin, or typed hidden) for later commands",
    )
    .option("--url <url>", "the Slipway API, e.g. http://127.0.0.1:7070 (default: $SLIPWAY_URL)")
    .option("--no-verify", "store without checking the key against the API")
    .addHelpText(
      "after",
      `${examples(
        "slipway login --url http://127.0.0.1:7070        # asks for the root key",
        'printf %s "$ROOT_KEY" | slipway login --url https://api.example.com',
      )}
The credentials go to $XDG_CONFIG_HOME/slipway/credentials.json (or ~/.config/slipway/),
readable by you alone (0600). SLIPWAY_URL and SLIPWAY_ROOT_KEY override them.
`,
    )
    .action(async (options: { url?: string; verify: boolean }, command: Command) => {
      const { output } = commandContext(io, command);
      const rawUrl = options.url ?? io.env.SLIPWAY_URL;
      if (!rawUrl) throw usageError("Give the API's address: slipway login --url <url>.");
      const url = normalizeApiUrl(rawUrl);
      const rootKey = (await readSecret(io, "Root key: ")).trim();
      if (!rootKey)
        throw usageError("No root key given (pipe it on stdin, or type it when asked).");
      if (options.verify) await checkRootKey(new SlipwayApi({ url, rootKey }, io.fetch));
      const path = credentialsPath(io.env);
      await writeStoredCredentials(path, { url, rootKey });
      output.result(
        { url, credentialsPath: path },
        () => `Logged in to ${url} (credentials in ${path}).`,
      );
    });
}

/**
 * A key the API does not know is refused (401); a key it knows but that may not list projects
 * (403) is still a key, so it is kept.
 */
async function checkRootKey(api: SlipwayApi) {
  try {
    await api.call((sdk) => sdk.projects.listProjects({ limit: 1 }));
  } catch (error) {
    if (error instanceof CliError && error.api?.status === 403) return;
    throw error;
  }
}
