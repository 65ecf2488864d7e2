import { readFileSync } from "node:fs";
import { readLogTail } from "@slipway/shared/log-tail";
import {
  type GroupLeader,
  isPidAlive,
  signalGroup,
  startProcessGroup,
} from "@slipway/shared/processes";
import { ServiceStartError, sleep } from "./processes.js";

export interface ChildService extends GroupLeader {
  name: string;
  logFile: string;
}

/** Starts a service in its own process group (so stopping it stops whatever it started). */
export function startChildService(
  name: string,
  command: string,
  args: string[],
  logFile: string,
  env: Record<string, string | undefined>,
  cwd?: string,
): ChildService {
  const cleanEnv = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  // startProcessGroup has no cwd option; a child that needs one gets it through `env -C`.
  const [binary, argv] = cwd ? ["env", ["-C", cwd, command, ...args]] : [command, args];
  return startProcessGroup(binary, argv, logFile, cleanEnv, { name, logFile });
}

/** Polls `ready` until it holds; the service exiting first, or the deadline, is an error. */
export async function waitForService(
  service: ChildService,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.exit) {
      throw new ServiceStartError(
        `${service.name} exited during start (log: ${service.logFile}):\n${await readLogTail(service.logFile, 20)}`,
      );
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new ServiceStartError(
        `${service.name} was not ready within ${timeoutMs / 1000} s (log: ${service.logFile}):\n${await readLogTail(service.logFile, 20)}`,
      );
    }
    await sleep(200);
  }
}

/** SIGTERM to the group, up to graceMs for a clean exit, then SIGKILL whatever is left. */
export async function stopChildService(
  service: Pick<ChildService, "pid">,
  graceMs: number,
): Promise<void> {
  signalGroup(service.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isPidAlive(service.pid) && Date.now() < deadline) await sleep(100);
  signalGroup(service.pid, "SIGKILL");
  const reaped = Date.now() + 5000;
  while (isPidAlive(service.pid) && Date.now() < reaped) await sleep(50);
}

/**
 * A process group recorded by an earlier start that was killed before it could stop it:
 * stopped only if its command line still names `expectedCommand` (a recycled pid is left alone).
 */
export async function stopLeftoverGroup(pid: number, expectedCommand: string): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 1 || !isPidAlive(pid)) return false;
  let commandLine = "";
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return false;
  }
  if (!commandLine.includes(expectedCommand)) return false;
  await stopChildService({ pid }, 10_000);
  return true;
}
