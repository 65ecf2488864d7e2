import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPidAlive } from "@slipway/shared/processes";
import { afterAll, describe, expect, it } from "vitest";
import { recordStack, stopStacksOfDeadOwners } from "../src/stack-state.js";

const cleanup: string[] = [];
afterAll(async () => {
  await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A long-running process in its own group, standing in for a daemon of a killed run. */
function startOrphan(): number {
  const child = spawn("sleep", ["300"], { detached: true, stdio: "ignore" });
  child.unref();
  if (!child.pid) throw new Error("could not start sleep");
  return child.pid;
}

describe("stacks left by killed runs", () => {
  it("are stopped and removed; stacks of live owners are left alone", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "slipway-stacks-"));
    cleanup.push(cacheDir);
    const workDir = join(cacheDir, "work");
    await mkdir(workDir);
    // A pid that surely belongs to no process any more: a child that has exited and been reaped.
    const deadOwner = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim();
    const orphans = [startOrphan(), startOrphan()];
    const deadFile = await recordStack(cacheDir, {
      ownerPid: Number(deadOwner),
      buildkitdPid: orphans[0] ?? 0,
      registryPid: orphans[1] ?? 0,
      workDir,
    });
    const liveDaemon = startOrphan();
    const liveFile = await recordStack(cacheDir, {
      ownerPid: process.pid,
      buildkitdPid: liveDaemon,
      registryPid: liveDaemon,
      workDir: join(cacheDir, "live"),
    });

    expect(await stopStacksOfDeadOwners(cacheDir)).toEqual([workDir]);
    expect(orphans.map(isPidAlive)).toEqual([false, false]);
    expect(existsSync(deadFile)).toBe(false);
    expect(existsSync(workDir)).toBe(false);
    expect(isPidAlive(liveDaemon)).toBe(true);
    expect(existsSync(liveFile)).toBe(true);
    process.kill(-liveDaemon, "SIGKILL");
  });
});
