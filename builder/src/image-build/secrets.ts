import { BuildError, ENV_FILE_SECRET_ID, makeRedactor } from "@slipway/shared";

/**
 * How the environment's variables reach BuildKit: one secret per variable (id = its key) and
 * one dotenv-style file (id = slipway.env), each read by buildctl from an inherited file
 * descriptor (`--secret id=KEY,src=/dev/fd/N`), so no value is in argv, in buildctl's
 * environment (one string there is capped at 128 KiB: `spawn E2BIG`) or on disk.
 */
export interface SecretPlan {
  /** `--secret` flags for buildctl; they name variables and descriptors, never values. */
  args: string[];
  /** What descriptor FIRST_SECRET_FD + i of buildctl must hold, in order. */
  contents: string[];
  /** Blanks every value, and each line of a multi-line one, in a text (log lines, error output). */
  redact: (text: string) => string;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** buildctl's descriptors 0–2 are stdio; the secrets follow. */
export const FIRST_SECRET_FD = 3;
/** buildctl refuses a secret larger than this ("secret … too big. max size 500KiB"). */
export const MAX_SECRET_BYTES = 500 * 1024;

export function makeSecretPlan(env: Record<string, string>): SecretPlan {
  const args: string[] = [];
  const contents: string[] = [];
  const addSecret = (id: string, content: string) => {
    args.push("--secret", `id=${id},src=/dev/fd/${FIRST_SECRET_FD + contents.length}`);
    contents.push(content);
  };
  const entries = Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, value] of entries) {
    if (!KEY.test(key)) {
      throw new BuildError(
        "invalid_request",
        `Environment variable name "${key}" is not valid: use letters, digits and underscores, not starting with a digit.`,
      );
    }
    if (Buffer.byteLength(value, "utf8") > MAX_SECRET_BYTES) {
      throw new BuildError(
        "invalid_request",
        `Environment variable ${key} is larger than BuildKit's secret limit of 500 KiB.`,
      );
    }
    addSecret(key, value);
  }
  addSecret(ENV_FILE_SECRET_ID, makeEnvFileWithinLimit(entries));
  return { args, contents, redact: makeRedactor(entries.map(([, value]) => value)) };
}

/**
 * The env file, or, when the whole environment is over BuildKit's secret limit, a file that
 * says so and fails when sourced: every variable is still its own secret, and a build that
 * sources the env file stops with a message that says what to do instead of a partial env.
 */
export function makeEnvFileWithinLimit(entries: Array<[string, string]>): string {
  const file = makeEnvFile(entries);
  const size = Buffer.byteLength(file, "utf8");
  if (size <= MAX_SECRET_BYTES) return file;
  // No single quotes in it: it is echoed inside them.
  const message = `slipway: the environment variables (${Math.ceil(size / 1024)} KiB) are over the 500 KiB limit of a BuildKit secret, so ${ENV_FILE_SECRET_ID} cannot hold them; mount each variable by its name instead: RUN --mount=type=secret,id=NAME`;
  return `echo '${message}' >&2\nreturn 1 2>/dev/null || exit 1\n`;
}

/** `KEY='value'` lines, single-quoted as POSIX sh does it, so `. /run/secrets/slipway.env` works. */
export function makeEnvFile(entries: Array<[string, string]>): string {
  return entries.map(([key, value]) => `${key}='${value.replaceAll("'", `'\\''`)}'\n`).join("");
}
