import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * A cross-process lock made of a directory, as the testbed's (which it does not export):
 * mkdir is atomic, so one caller wins; the owner's pid inside lets a lock left by a killed
 * build be taken over instead of blocking every later run.
 */
export interface HeldLock {
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function acquireLock(
  lockDir: string,
  options: { timeoutMs: number; onWait?: (pid: number | undefined) => void },
): Promise<HeldLock> {
  const deadline = Date.now() + options.timeoutMs;
  let toldWaiting = false;
  let ownerlessSince: number | undefined;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, "owner.json"), JSON.stringify({ pid: process.pid }));
      return { release: () => rm(lockDir, { recursive: true, force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const pid = await readFile(join(lockDir, "owner.json"), "utf8")
      .then((text) => (JSON.parse(text) as { pid: number }).pid)
      .catch(() => undefined);
    if (pid !== undefined && !isAlive(pid)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (pid === undefined) {
      // The winner may sit between mkdir and writeFile; only a long-ownerless lock is stale.
      ownerlessSince ??= Date.now();
      if (Date.now() - ownerlessSince > 10_000) {
        await rm(lockDir, { recursive: true, force: true });
        ownerlessSince = undefined;
        continue;
      }
    } else ownerlessSince = undefined;
    if (!toldWaiting) {
      options.onWait?.(pid);
      toldWaiting = true;
    }
    if (Date.now() > deadline)
      throw new Error(`gave up waiting for lock ${lockDir} (pid ${pid ?? "?"})`);
    await sleep(1000);
  }
}
