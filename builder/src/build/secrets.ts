import { BuildError, ENV_FILE_SECRET_ID } from "@slipway/shared";

/**
 * How the environment's variables reach BuildKit: one secret per variable (id = its key) and
 * one dotenv-style file (id = slipway.env), all read by buildctl from its own environment
 * (`--secret id=KEY,env=SLIPWAY_SECRET_n`), so no value is ever in argv or on disk.
 */
export interface SecretPlan {
  /** `--secret` flags for buildctl; they name variables, never values. */
  args: string[];
  /** Added to buildctl's environment only. */
  childEnv: Record<string, string>;
  /** Blanks every value in a text (log lines, error output). */
  redact: (text: string) => string;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Values this short would blank ordinary words out of logs; they are not redacted. */
const MIN_REDACTED_LENGTH = 4;

export function makeSecretPlan(env: Record<string, string>): SecretPlan {
  const args: string[] = [];
  const childEnv: Record<string, string> = {};
  const entries = Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  entries.forEach(([key, value], index) => {
    if (!KEY.test(key)) {
      throw new BuildError(
        "invalid_request",
        `Environment variable name "${key}" is not valid: use letters, digits and underscores, not starting with a digit.`,
      );
    }
    const variable = `SLIPWAY_SECRET_${index}`;
    childEnv[variable] = value;
    args.push("--secret", `id=${key},env=${variable}`);
  });
  childEnv.SLIPWAY_SECRET_ENV_FILE = makeEnvFile(entries);
  args.push("--secret", `id=${ENV_FILE_SECRET_ID},env=SLIPWAY_SECRET_ENV_FILE`);
  const values = entries
    // A multi-line value (a PEM key) shows up in logs line by line.
    .flatMap(([, value]) => [value, ...value.split(/\r?\n/)])
    .filter((value) => value.length >= MIN_REDACTED_LENGTH)
    // Longest first, so a value containing another is blanked whole.
    .sort((a, b) => b.length - a.length);
  return { args, childEnv, redact: (text) => redactValues(text, values) };
}

/** `KEY='value'` lines, single-quoted as POSIX sh does it, so `. /run/secrets/slipway.env` works. */
export function makeEnvFile(entries: Array<[string, string]>): string {
  return entries.map(([key, value]) => `${key}='${value.replaceAll("'", `'\\''`)}'\n`).join("");
}

export function redactValues(text: string, values: string[]): string {
  let result = text;
  for (const value of values) result = result.split(value).join("***");
  return result;
}
