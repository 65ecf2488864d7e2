import { BuildError, ENV_FILE_SECRET_ID, makeRedactor } from "@slipway/shared";

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
  /** Blanks every value, and each line of a multi-line one, in a text (log lines, error output). */
  redact: (text: string) => string;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

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
  return { args, childEnv, redact: makeRedactor(entries.map(([, value]) => value)) };
}

/** `KEY='value'` lines, single-quoted as POSIX sh does it, so `. /run/secrets/slipway.env` works. */
export function makeEnvFile(entries: Array<[string, string]>): string {
  return entries.map(([key, value]) => `${key}='${value.replaceAll("'", `'\\''`)}'\n`).join("");
}
