import { spawn } from "node:child_process";
import { join } from "node:path";
import type { TestbedSettings } from "../config.js";

/**
 * One real node per machine (fixed directory and bridge), but vitest runs its projects' test
 * files in parallel: every test file that starts a cluster with a real node holds this lock
 * from before the start until after the stop, so two of them wait for each other instead of
 * the second failing. A file lock (flock(1), from util-linux) works across projects and
 * processes, and the kernel drops it when its holder dies, so a killed run leaves no lock.
 *
 * Held from a test file's hooks, never from a global setup: vitest runs every project's
 * global setup before any test and their teardowns after all of them, so a lock held there
 * would make a test file waiting for it wait for ever.
 */
export interface RealNodeLock {
  release(): Promise<void>;
}

export const realNodeLockFile = (settings: Pick<TestbedSettings, "cacheDir">) =>
  join(settings.cacheDir, "real-node.lock");

/** Resolves once this process holds the lock (waiting as long as another holder runs). */
export function holdRealNodeLock(lockFile: string): Promise<RealNodeLock> {
  // flock keeps the lock while `cat` runs; cat ends when our end of its stdin closes, which
  // also happens when this process dies.
  const holder = spawn("flock", [lockFile, "-c", "echo held; exec cat"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => holder.once("exit", () => resolve()));
  const release = async () => {
    holder.stdin.end();
    await exited;
  };
  return new Promise((resolve, reject) => {
    let stderr = "";
    holder.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    holder.stdout.once("data", () => resolve({ release }));
    holder.once("error", reject);
    holder.once("exit", (code) =>
      reject(new Error(`flock ${lockFile} exited with ${code} before holding it: ${stderr}`)),
    );
  });
}
