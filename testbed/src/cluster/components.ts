import { existsSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { readLogTail } from "@slipway/shared/log-tail";
import {
  type GroupLeader,
  isPidAlive,
  signalGroup,
  startProcessGroup,
} from "@slipway/shared/processes";
import { ComponentCrashedError, ReadinessTimeoutError } from "../errors.js";

/** What we remember about a component, also after the process that started it has exited. */
export interface ComponentRecord {
  name: string;
  pid: number;
  binary: string;
  logFile: string;
}

export interface RunningComponent extends ComponentRecord, GroupLeader {}

/**
 * Starts a component detached in its own process group with output to a log file, so it
 * outlives `cluster:up` and `cluster:down` can kill the whole group.
 */
export function startComponent(
  name: string,
  binary: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): RunningComponent {
  return startProcessGroup(binary, args, logFile, env, { name, binary, logFile });
}

const HAS_PROC = existsSync("/proc/self/stat");

/**
 * What /proc says about a recorded component: `running`, `exited` (gone or a zombie),
 * `runs <argv0>` (the pid now belongs to another program) or `unreadable (<code>)`.
 */
export function componentProcessState(record: ComponentRecord): string {
  if (!HAS_PROC) return isPidAlive(record.pid) ? "running" : "exited";
  try {
    const stat = readFileSync(`/proc/${record.pid}/stat`, "utf8");
    // Field 3 is the state; a zombie has exited already, it only awaits its parent.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (state === "Z" || state === "X") return "exited";
    const argv0 = readFileSync(`/proc/${record.pid}/cmdline`, "utf8").split("\0")[0];
    return argv0 === record.binary ? "running" : `runs ${JSON.stringify(argv0)}`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ESRCH" ? "exited" : `unreadable (${code})`;
  }
}

/** Whether a process /proc described as `state` runs. */
function runs(state: string, pid: number): boolean {
  // /proc refusing a read says nothing about the process: ask the kernel whether it exists.
  return state === "running" || (state.startsWith("unreadable") && isPidAlive(pid));
}

/** True while the pid runs the given binary; guards against killing a recycled pid. */
export function isComponentAlive(record: ComponentRecord): boolean {
  return runs(componentProcessState(record), record.pid);
}

export async function crashError(
  component: RunningComponent,
  lastSeen?: string,
): Promise<ComponentCrashedError> {
  const how = component.exit?.signal
    ? `was killed by ${component.exit.signal}`
    : component.exit
      ? `exited with code ${component.exit.code ?? "unknown"}`
      : `is no longer running (/proc/${component.pid}: ${lastSeen}; no exit status arrived)`;
  return new ComponentCrashedError(
    component.name,
    how,
    component.logFile,
    await readLogTail(component.logFile),
  );
}

/** How long a component /proc calls gone may take to deliver its exit status. */
const EXIT_STATUS_GRACE_MS = 5_000;

/**
 * The crash of a component /proc calls gone, once confirmed: its exit status arrives, or it
 * is still gone after the grace. Undefined when it turns out to be running: the exit status
 * is the authority for a process this one started, /proc only a hint that can come early.
 */
async function confirmedCrash(component: RunningComponent): Promise<Error | undefined> {
  const deadline = Date.now() + EXIT_STATUS_GRACE_MS;
  for (;;) {
    if (component.exit !== undefined) return crashError(component);
    const state = componentProcessState(component);
    if (runs(state, component.pid)) return undefined;
    if (Date.now() >= deadline) return crashError(component, state);
    await sleep(25);
  }
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** If any of these exits while we wait, fail at once with its log instead of timing out. */
  watch: RunningComponent[];
}

/**
 * Polls `check` until it returns true. Never hangs: a watched component dying or the
 * deadline passing both end the wait with an error that says what happened.
 */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const suspect = options.watch.find((c) => c.exit !== undefined || !isComponentAlive(c));
    const crash = suspect && (await confirmedCrash(suspect));
    if (crash) throw crash;
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const tails = await Promise.all(
        options.watch.map(
          async (c) => `--- ${c.name} (${c.logFile}) ---\n${await readLogTail(c.logFile, 10)}`,
        ),
      );
      throw new ReadinessTimeoutError(
        `timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${what}` +
          (lastError ? ` (last error: ${String(lastError)})` : "") +
          `\n${tails.join("\n")}`,
      );
    }
    await sleep(options.intervalMs ?? 250);
  }
}

/**
 * Stops components one at a time in the given order (callers pass reverse start order, so
 * etcd goes last): SIGTERM the process group, SIGKILL whatever is left after `graceMs`.
 * The grace is short on purpose: a throwaway cluster gains nothing from the apiserver's
 * graceful drain, which otherwise takes 20 s.
 */
export async function stopComponents(records: ComponentRecord[], graceMs = 3_000): Promise<void> {
  for (const record of records) {
    // A dead leader's pid may already belong to someone else: never signal it.
    if (!isComponentAlive(record)) continue;
    signalGroup(record.pid, "SIGTERM");
    await waitForExit(record, graceMs);
    // The group may hold children that outlive the leader (kubelet's, later).
    signalGroup(record.pid, "SIGKILL");
    await waitForExit(record, 5_000);
  }
}

async function waitForExit(record: ComponentRecord, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isComponentAlive(record) && Date.now() < deadline) await sleep(50);
}
