import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireLock } from "@slipway/shared/go-build";
import { afterAll, describe, expect, it } from "vitest";
import { ensureBuildkit, readBuildkitBuild } from "../src/buildkit/ensure-buildkit.js";
import { readBuilderSettings } from "../src/config.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-bkcache-"));
  dirs.push(dir);
  return dir;
}

describe("the BuildKit binary cache", () => {
  it("trusts a directory only with its manifest and both binaries", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "buildkitd"), "");
    expect(await readBuildkitBuild(dir)).toBeUndefined();
    await writeFile(join(dir, "manifest.json"), JSON.stringify({ buildkit: "v0.34.2" }));
    expect(await readBuildkitBuild(dir)).toBeUndefined();
    await writeFile(join(dir, "buildctl"), "");
    expect((await readBuildkitBuild(dir))?.buildctl).toBe(join(dir, "buildctl"));
  });

  it("reuses the binaries the global setup built, without building", async () => {
    const settings = readBuilderSettings(process.env);
    const lines: string[] = [];
    const binaries = await ensureBuildkit(settings, (line) => lines.push(line));
    expect(lines).toEqual([]);
    expect(binaries.manifest.buildkit).toBe("v0.34.2");
    const version = spawnSync(binaries.buildctl, ["--version"], { encoding: "utf8" }).stdout;
    expect(version).toContain("v0.34.2");
  });

  it("takes over a lock whose owner died, and lets only one holder in", async () => {
    const dir = await tempDir();
    const lockDir = join(dir, "build.lock");
    await mkdir(lockDir);
    const deadPid = Number(spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim());
    await writeFile(join(lockDir, "owner.json"), JSON.stringify({ pid: deadPid }));
    const held = await acquireLock(lockDir, { timeoutMs: 5000 });
    // A second caller waits while the live holder keeps it, and gives up at its deadline.
    await expect(acquireLock(lockDir, { timeoutMs: 1500 })).rejects.toThrow(/gave up waiting/);
    await held.release();
    expect(existsSync(lockDir)).toBe(false);
  });
});
