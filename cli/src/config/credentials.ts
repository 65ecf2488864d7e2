import { chmod, mkdir, open, readFile, rename } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CliError, exitCodes } from "../cli-error.js";

export interface Credentials {
  url: string;
  rootKey: string;
}

/** Where `slipway login` keeps the API URL and root key. */
export function credentialsPath(env: NodeJS.ProcessEnv): string {
  const configHome = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), ".config");
  return join(configHome, "slipway", "credentials.json");
}

/**
 * Pure: the credentials a command uses. `SLIPWAY_URL` and `SLIPWAY_ROOT_KEY` override what
 * `slipway login` stored, each on its own (CI sets both and needs no file).
 */
export function resolveCredentials(
  env: NodeJS.ProcessEnv,
  stored: Partial<Credentials> | undefined,
): Partial<Credentials> {
  const url = env.SLIPWAY_URL?.trim() || stored?.url;
  const rootKey = env.SLIPWAY_ROOT_KEY?.trim() || stored?.rootKey;
  return { ...(url ? { url } : {}), ...(rootKey ? { rootKey } : {}) };
}

export async function readStoredCredentials(path: string): Promise<Partial<Credentials>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return {
      ...(typeof parsed.url === "string" ? { url: parsed.url } : {}),
      ...(typeof parsed.rootKey === "string" ? { rootKey: parsed.rootKey } : {}),
    };
  } catch {
    throw new CliError(
      exitCodes.usage,
      `${path} is not valid JSON; run \`slipway login\` again to rewrite it.`,
    );
  }
}

/**
 * Writes the credentials readable by the user alone (file 0600, folder 0700): a new file is
 * created with that mode before the key is written to it and then renamed over the old one,
 * so the key is never in a file anyone else can read, not even for a moment.
 */
export async function writeStoredCredentials(path: string, credentials: Credentials) {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  const file = await open(temporary, "w", 0o600);
  try {
    await file.chmod(0o600);
    await file.writeFile(`${JSON.stringify(credentials, null, 2)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  await chmod(path, 0o600);
}

/** The credentials a command needs, or a usage error saying how to provide them. */
export async function loadCredentials(env: NodeJS.ProcessEnv): Promise<Credentials> {
  const resolved = resolveCredentials(env, await readStoredCredentials(credentialsPath(env)));
  if (!resolved.url || !resolved.rootKey) {
    throw new CliError(
      exitCodes.usage,
      "Not logged in: run `slipway login`, or set SLIPWAY_URL and SLIPWAY_ROOT_KEY.",
    );
  }
  return { url: resolved.url, rootKey: resolved.rootKey };
}
