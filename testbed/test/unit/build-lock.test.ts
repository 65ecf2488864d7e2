import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { acquireLock } from "@slipway/shared/go-build";
import { afterAll, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), "slipway-lock-test-"));
  dirs.push(dir);
  return dir;
}

describe("build lock", () => {
  it("lets only one of two concurrent builders in at a time", async () => {
    const lockDir = join(await tempDir(), "build.lock");
    const events: string[] = [];
    const builder = async (name: string) => {
      const lock = await acquireLock(lockDir, { timeoutMs: 10_000, pollMs: 20 });
      events.push(`${name} in`);
      await sleep(100);
      events.push(`${name} out`);
      await lock.release();
    };
    await Promise.all([builder("a"), builder("b")]);
    expect(events[1]).toMatch(/out$/);
    expect(events[3]).toMatch(/out$/);
  });

  it("takes over a lock whose owner died instead of waiting forever", async () => {
    const lockDir = join(await tempDir(), "build.lock");
    const dead = spawnSync("true").pid!;
    await mkdir(lockDir);
    await writeFile(
      join(lockDir, "owner.json"),
      JSON.stringify({ pid: dead, host: hostname(), since: "" }),
    );
    const lock = await acquireLock(lockDir, { timeoutMs: 2_000, pollMs: 20 });
    await lock.release();
  });

  it("gives up with a clear error when a live owner holds it too long", async () => {
    const lockDir = join(await tempDir(), "build.lock");
    const held = await acquireLock(lockDir, { timeoutMs: 1_000 });
    await expect(acquireLock(lockDir, { timeoutMs: 200, pollMs: 20 })).rejects.toThrow(
      /held by pid/,
    );
    await held.release();
  });
});
