import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { CliIo } from "../../src/cli-io.js";
import { runCli } from "../../src/program.js";

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document `--output=json` prints. */
  json<T = Record<string, unknown>>(): T;
}

export interface CliRunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  cwd?: string;
  /** Pretend stderr is a terminal (live progress). */
  tty?: boolean;
}

/** A fresh, empty config home, so no test reads another's (or the machine's) credentials. */
export const makeConfigHome = () => mkdtemp(join(tmpdir(), "slipway-cli-config-"));

/**
 * Runs `slipway` in this process exactly as `bin/slipway.js` does, with its own environment,
 * stdin and captured stdout/stderr; the API it calls is a real server over a real socket.
 */
export async function runSlipway(argv: string[], options: CliRunOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: {
      write: (text: string) => (stderr += text),
      isTTY: options.tty ?? false,
      columns: 100,
    },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: { HOME: "/nonexistent-home", ...options.env } as NodeJS.ProcessEnv,
    cwd: options.cwd ?? process.cwd(),
    now: () => Date.now(),
    sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
    fetch: globalThis.fetch,
  };
  const exitCode = await runCli(argv, io);
  return {
    exitCode,
    stdout,
    stderr,
    json: <T>() => JSON.parse(stdout) as T,
  };
}
