import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  isComponentAlive,
  startComponent,
  stopComponents,
  waitUntil,
} from "../../src/cluster/components.js";
import { ComponentCrashedError, ReadinessTimeoutError } from "../../src/errors.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), "slipway-components-test-"));
  dirs.push(dir);
  return dir;
}

describe("component processes", () => {
  it("a component that crashes is reported with the tail of its log, not waited on", async () => {
    const dir = await tempDir();
    const crashing = startComponent(
      "fake-apiserver",
      "/bin/sh",
      ["-c", "echo 'bind: address already in use'; exit 3"],
      join(dir, "a.log"),
    );
    const started = Date.now();
    const error = await waitUntil("something that never happens", async () => false, {
      timeoutMs: 30_000,
      watch: [crashing],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComponentCrashedError);
    expect((error as Error).message).toContain("fake-apiserver exited with code 3");
    expect((error as Error).message).toContain("bind: address already in use");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a running component /proc misreads for a moment is not reported as crashed", async () => {
    const dir = await tempDir();
    const sleeper = startComponent("sleeper", "/bin/sleep", ["30"], join(dir, "s.log"));
    // For 300 ms /proc shows a program other than the recorded one, as a misread would.
    sleeper.binary = "/bin/not-sleep";
    setTimeout(() => {
      sleeper.binary = "/bin/sleep";
    }, 300);
    let checks = 0;
    await waitUntil("three checks", async () => ++checks >= 3, {
      timeoutMs: 10_000,
      intervalMs: 50,
      watch: [sleeper],
    });
    expect(sleeper.exit).toBeUndefined();
    await stopComponents([sleeper]);
  });

  it("a component whose pid runs another program is reported with what /proc showed", async () => {
    const dir = await tempDir();
    const sleeper = startComponent("sleeper", "/bin/sleep", ["30"], join(dir, "s.log"));
    sleeper.binary = "/usr/bin/containerd";
    const error = await waitUntil("anything", async () => false, {
      timeoutMs: 30_000,
      watch: [sleeper],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComponentCrashedError);
    expect((error as Error).message).toContain(
      `sleeper is no longer running (/proc/${sleeper.pid}: runs "/bin/sleep"; no exit status arrived)`,
    );
    sleeper.binary = "/bin/sleep";
    await stopComponents([sleeper]);
  });

  it("a wait that cannot succeed ends at its deadline with what it waited for", async () => {
    const dir = await tempDir();
    const sleeper = startComponent("sleeper", "/bin/sleep", ["30"], join(dir, "s.log"));
    await expect(
      waitUntil("the moon", async () => false, {
        timeoutMs: 300,
        intervalMs: 50,
        watch: [sleeper],
      }),
    ).rejects.toThrow(ReadinessTimeoutError);
    await stopComponents([sleeper]);
  });

  it("stopping kills the component's whole process group", async () => {
    const dir = await tempDir();
    // The shell's child keeps running if only the shell were killed.
    const parent = startComponent(
      "parent",
      "/bin/sh",
      ["-c", "sleep 60 & wait"],
      join(dir, "p.log"),
    );
    await waitUntil("child to start", async () => isComponentAlive(parent), {
      timeoutMs: 2_000,
      watch: [],
    });
    await new Promise((r) => setTimeout(r, 200));
    await stopComponents([parent], 2_000);
    expect(isComponentAlive(parent)).toBe(false);
    // Zombies are already dead and only wait for init to reap them.
    const livingInGroup = () =>
      execFileSync("/bin/sh", ["-c", `ps -o stat= -g ${parent.pid} || true`])
        .toString()
        .split("\n")
        .filter((stat) => stat.trim() && !stat.trim().startsWith("Z"));
    await waitUntil("the group to be gone", async () => livingInGroup().length === 0, {
      timeoutMs: 3_000,
      watch: [],
    });
  });
});
