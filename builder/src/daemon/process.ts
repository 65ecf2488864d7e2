import { setTimeout as sleep } from "node:timers/promises";
import {
  type GroupLeader,
  isPidAlive,
  signalGroup,
  startProcessGroup,
} from "@slipway/shared/processes";

export interface DaemonProcess extends GroupLeader {
  name: string;
  logFile: string;
}

/** Starts a daemon in its own process group with output to a log file. */
export function startDaemon(
  name: string,
  binary: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv,
): DaemonProcess {
  return startProcessGroup(binary, args, logFile, env, { name, logFile });
}

/** SIGTERM the group, wait up to graceMs, then SIGKILL what is left. */
export async function stopDaemon(
  daemon: Pick<DaemonProcess, "pid">,
  graceMs = 5000,
): Promise<void> {
  signalGroup(daemon.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isPidAlive(daemon.pid) && Date.now() < deadline) await sleep(100);
  signalGroup(daemon.pid, "SIGKILL");
}
