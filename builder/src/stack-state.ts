import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isPidAlive } from "@slipway/shared/processes";
import { stopDaemon } from "./daemon/process.js";

/**
 * What a running local stack leaves on disk so a later run can stop it if the process that
 * started it was killed (SIGKILL gives no chance to clean up): one file per owner pid.
 */
export interface StackRecord {
  ownerPid: number;
  buildkitdPid: number;
  registryPid: number;
  workDir: string;
}

export function stacksDir(cacheDir: string): string {
  return join(cacheDir, "builder-stacks");
}

export async function recordStack(cacheDir: string, record: StackRecord): Promise<string> {
  await mkdir(stacksDir(cacheDir), { recursive: true });
  const file = join(stacksDir(cacheDir), `${record.ownerPid}.json`);
  await writeFile(file, JSON.stringify(record));
  return file;
}

/** Stops the stacks whose owner is dead; returns their work dirs. */
export async function stopStacksOfDeadOwners(cacheDir: string): Promise<string[]> {
  const stopped: string[] = [];
  const files = await readdir(stacksDir(cacheDir)).catch(() => [] as string[]);
  for (const name of files) {
    const file = join(stacksDir(cacheDir), name);
    const record = await readFile(file, "utf8")
      .then((text) => JSON.parse(text) as StackRecord)
      .catch(() => undefined);
    if (record && isPidAlive(record.ownerPid)) continue;
    if (record) {
      await stopDaemon({ pid: record.buildkitdPid }, 10_000);
      await stopDaemon({ pid: record.registryPid });
      await rm(record.workDir, { recursive: true, force: true }).catch(() => undefined);
      stopped.push(record.workDir);
    }
    await rm(file, { force: true });
  }
  return stopped;
}
