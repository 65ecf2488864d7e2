import type { CliError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";

export const outputFormats = ["text", "json"] as const;
export type OutputFormat = (typeof outputFormats)[number];

/**
 * Where a command's answer goes. `--output=json`: one JSON document on stdout per command (its
 * result, or `{ "error": … }`), nothing else there. Text: the result on stdout, notes and
 * progress on stderr, so `slipway … | grep` sees only the result.
 */
export class Output {
  readonly format: OutputFormat;
  readonly io: CliIo;

  constructor(format: OutputFormat, io: CliIo) {
    this.format = format;
    this.io = io;
  }

  get json(): boolean {
    return this.format === "json";
  }

  /** The command's result: `value` as JSON, or the lines `text` makes from it. */
  result<T>(value: T, text: (value: T) => string | readonly string[]) {
    if (this.json) {
      this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      return;
    }
    const lines = text(value);
    const all = typeof lines === "string" ? [lines] : lines;
    if (all.length > 0) this.io.stdout.write(`${all.join("\n")}\n`);
  }

  /** A line for the person at the terminal (stderr); scripts reading JSON never see it. */
  note(message: string) {
    if (!this.json) this.io.stderr.write(`${message}\n`);
  }

  error(error: CliError) {
    const api = error.api;
    if (this.json) {
      const body = { error: { message: error.message, exitCode: error.exitCode, ...api } };
      this.io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      return;
    }
    const lines = [`Error: ${error.message}`];
    if (api) {
      const status = api.status ? `HTTP ${api.status}${api.title ? ` ${api.title}` : ""}` : "";
      const facts = [status, api.requestId ? `request id ${api.requestId}` : ""].filter(Boolean);
      if (facts.length > 0) lines.push(`  ${facts.join(" · ")}`);
      for (const problem of api.problems ?? []) lines.push(`  - ${problem}`);
    }
    this.io.stderr.write(`${lines.join("\n")}\n`);
  }
}
