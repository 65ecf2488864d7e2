import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

export class ServiceStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ServiceStartError";
  }
}

/** Asks the kernel for a port nobody listens on. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not read the port of a probe socket"));
      });
    });
  });
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** Runs a command to completion; a non-zero exit throws with the command's own output. */
export function runChecked(command: string, args: string[], what: string): string {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.error) throw new ServiceStartError(`${what}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new ServiceStartError(
      `${what} failed (exit ${result.status}):\n${(result.stderr || result.stdout).trim()}`,
    );
  }
  return result.stdout;
}

/** Starts a long-running process with its output in a log file, in its own process group. */
export function spawnLogged(command: string, args: string[], logFile: string): ChildProcess {
  const log = openSync(logFile, "a");
  const child = spawn(command, args, { stdio: ["ignore", log, log], detached: true });
  child.unref();
  return child;
}

export function tailOfFile(path: string, lines = 20): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log written)";
  }
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
