import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface GroupLeader {
  pid: number;
  /** Set once the process exits while this process still holds its handle. */
  exit?: ProcessExit;
}

/**
 * Starts `binary` detached, as the leader of its own process group, with stdout and stderr
 * appended to `logFile`: it can outlive this process (a cluster left running by `cluster:up`),
 * and `signalGroup` stops it together with whatever it started. The returned record is
 * `fields` plus the pid; its `exit` is set when the process exits.
 */
export function startProcessGroup<T extends object>(
  binary: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv,
  fields: T,
): T & GroupLeader {
  const fd = openSync(logFile, "a");
  try {
    const child = spawn(binary, args, { detached: true, stdio: ["ignore", fd, fd], env });
    if (child.pid === undefined) throw new Error(`could not start ${binary}`);
    const started: T & GroupLeader = { ...fields, pid: child.pid };
    child.on("exit", (code, signal) => {
      started.exit = { code, signal };
    });
    child.on("error", () => {
      started.exit ??= { code: null, signal: null };
    });
    child.unref();
    return started;
  } finally {
    closeSync(fd);
  }
}

/** True while a process with this pid exists and this process may signal it. */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to the process group `pid` leads; a group that is gone already is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Gone already.
  }
}
