import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface DaemonProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Set once the process exited. */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
}

/** Starts a daemon in its own process group with output to a log file. */
export function startDaemon(
  name: string,
  binary: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv,
): DaemonProcess {
  const fd = openSync(logFile, "a");
  try {
    const child = spawn(binary, args, { detached: true, stdio: ["ignore", fd, fd], env });
    if (child.pid === undefined) throw new Error(`could not start ${binary}`);
    const daemon: DaemonProcess = { name, pid: child.pid, logFile };
    child.on("exit", (code, signal) => {
      daemon.exit = { code, signal };
    });
    child.on("error", () => {
      daemon.exit ??= { code: null, signal: null };
    });
    child.unref();
    return daemon;
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the group, wait up to graceMs, then SIGKILL what is left. */
export async function stopDaemon(
  daemon: Pick<DaemonProcess, "pid">,
  graceMs = 5000,
): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-daemon.pid, signal);
    } catch {
      // Gone already.
    }
  };
  signalGroup("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isAlive(daemon.pid) && Date.now() < deadline) await sleep(100);
  signalGroup("SIGKILL");
}
