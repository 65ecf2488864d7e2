import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Waited longer than `timeoutMs` for a lock another process holds. */
export class LockTimeoutError extends Error {
  override name = "LockTimeoutError";
}

/**
 * A cross-process lock made of a directory (the builds of Kubernetes, BuildKit and helm into
 * ~/.cache/slipway take it): mkdir is atomic, so exactly one caller wins.
 * The owner's pid is written inside so a lock left by a killed build is recognised as
 * stale and taken over instead of blocking every later run.
 */
export interface LockOwner {
  pid: number;
  host?: string;
  since: string;
}

export interface HeldLock {
  release(): Promise<void>;
}

export interface AcquireOptions {
  timeoutMs: number;
  pollMs?: number;
  onWait?: (owner: LockOwner | undefined) => void;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readOwner(lockDir: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(join(lockDir, "owner.json"), "utf8")) as LockOwner;
  } catch {
    return undefined;
  }
}

export async function acquireLock(lockDir: string, options: AcquireOptions): Promise<HeldLock> {
  const deadline = Date.now() + options.timeoutMs;
  let toldWaiting = false;
  let ownerlessSince: number | undefined;
  for (;;) {
    try {
      await mkdir(lockDir);
      const owner: LockOwner = {
        pid: process.pid,
        host: hostname(),
        since: new Date().toISOString(),
      };
      await writeFile(join(lockDir, "owner.json"), JSON.stringify(owner));
      return { release: () => rm(lockDir, { recursive: true, force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = await readOwner(lockDir);
    // Only a pid of this machine can be checked (the cache may be on a shared disk); a lock
    // without a host was written on this one.
    const local = owner !== undefined && (owner.host === undefined || owner.host === hostname());
    if (owner && local && !isProcessAlive(owner.pid)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!owner) {
      // The winner may be between mkdir and writeFile; only a long-ownerless lock is stale.
      ownerlessSince ??= Date.now();
      if (Date.now() - ownerlessSince > 10_000) {
        await rm(lockDir, { recursive: true, force: true });
        ownerlessSince = undefined;
        continue;
      }
    } else {
      ownerlessSince = undefined;
    }
    if (!toldWaiting) {
      options.onWait?.(owner);
      toldWaiting = true;
    }
    if (Date.now() > deadline) {
      throw new LockTimeoutError(
        `gave up waiting for lock ${lockDir} held by pid ${owner?.pid ?? "unknown"}`,
      );
    }
    await sleep(options.pollMs ?? 1000);
  }
}
