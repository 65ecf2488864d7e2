import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { isPidAlive } from "@slipway/shared/processes";

export class ServiceStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ServiceStartError";
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

export interface RunAs {
  uid: number;
  gid: number;
}

/** Runs a command to completion; a non-zero exit throws with the command's own output. */
export function runChecked(command: string, args: string[], what: string, runAs?: RunAs): string {
  const result = spawnSync(command, args, { encoding: "utf8", ...runAs });
  if (result.error) throw new ServiceStartError(`${what}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new ServiceStartError(
      `${what} failed (exit ${result.status}):\n${(result.stderr || result.stdout).trim()}`,
    );
  }
  return result.stdout;
}

/** Starts a long-running process with its output in a log file, in its own process group. */
export function spawnLogged(
  command: string,
  args: string[],
  logFile: string,
  runAs?: RunAs,
): ChildProcess {
  const log = openSync(logFile, "a");
  const child = spawn(command, args, { stdio: ["ignore", log, log], detached: true, ...runAs });
  child.unref();
  return child;
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Stops a server left running by an earlier start that died without cleaning up, so two
 * servers never share one data directory. Only a process whose command line names
 * `expectedCommand` is touched: a recycled pid of an unrelated process is left alone.
 */
export async function stopLeftover(
  pid: number,
  expectedCommand: string,
  signal: NodeJS.Signals,
): Promise<void> {
  if (!Number.isInteger(pid) || pid <= 1 || !isPidAlive(pid)) return;
  let commandLine = "";
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return;
  }
  if (!commandLine.includes(expectedCommand)) return;
  process.kill(pid, signal);
  const deadline = Date.now() + 15_000;
  while (isPidAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isPidAlive(pid)) process.kill(pid, "SIGKILL");
}
