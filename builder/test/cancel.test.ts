import { rm } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { type BuildError, isBuildError } from "@slipway/shared";
import { afterAll, describe, expect, it } from "vitest";
import { runBuild } from "../src/image-build/run-build.js";
import { makeApp, stack, testDeps, uniqueRepository } from "./harness/context.js";
import { findProcesses } from "./harness/processes.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("cancellation", () => {
  it("stops a running build within 2 s and leaves no buildctl or build step behind", async () => {
    // An unusual duration, so the container's process can be told apart from anyone else's sleep.
    const dir = await makeApp({
      Dockerfile: `FROM ${stack().baseImage}\nRUN echo started && sleep 173\n`,
    });
    dirs.push(dir);
    const repository = uniqueRepository("cancel");
    const controller = new AbortController();
    let running = false;
    const build = runBuild(
      {
        deploymentId: "dep_cancel1",
        source: { kind: "directory", path: dir },
        rootDirectory: ".",
        env: {},
        imageRepository: repository,
      },
      testDeps(),
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "log" && event.line === "started") running = true;
        },
      },
    ).then(
      () => undefined,
      (error: unknown) => error,
    );

    const deadline = Date.now() + 60_000;
    while (!running && Date.now() < deadline) await sleep(50);
    expect(running).toBe(true);
    // While it runs, buildctl (its argv names the image) and the step's sleep exist.
    expect((await findProcesses(repository)).length).toBeGreaterThan(0);
    await sleep(300);
    expect((await findProcesses("sleep 173")).length).toBeGreaterThan(0);

    const abortedAt = Date.now();
    controller.abort();
    const error = (await build) as BuildError;
    const stoppedAfterMs = Date.now() - abortedAt;
    console.log(`cancelled build stopped ${stoppedAfterMs} ms after abort`);

    expect(isBuildError(error)).toBe(true);
    expect(error.code).toBe("cancelled");
    expect(stoppedAfterMs).toBeLessThan(2000);
    expect(await findProcesses(repository)).toEqual([]);
    // buildkitd cancels the solve: the container running `sleep 173` goes away too.
    const sleepDeadline = Date.now() + 10_000;
    while ((await findProcesses("sleep 173")).length > 0 && Date.now() < sleepDeadline)
      await sleep(100);
    expect(await findProcesses("sleep 173")).toEqual([]);
  });

  it("stops a build that outlives the time limit with timed_out", async () => {
    const dir = await makeApp({ Dockerfile: `FROM ${stack().baseImage}\nRUN sleep 174\n` });
    dirs.push(dir);
    const started = Date.now();
    const error = await runBuild(
      {
        deploymentId: "dep_timeout",
        source: { kind: "directory", path: dir },
        rootDirectory: ".",
        env: {},
        imageRepository: uniqueRepository("timeout"),
      },
      testDeps({ timeoutSeconds: 3 }),
    ).then(
      () => undefined,
      (e: unknown) => e as BuildError,
    );
    expect(error?.code).toBe("timed_out");
    expect(error?.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it("refuses to start when the signal is already aborted", async () => {
    const error = await runBuild(
      {
        deploymentId: "dep_cancel2",
        source: { kind: "directory", path: "/nonexistent" },
        rootDirectory: ".",
        env: {},
        imageRepository: uniqueRepository("cancel"),
      },
      testDeps(),
      { signal: AbortSignal.abort() },
    ).then(
      () => undefined,
      (e: unknown) => e as BuildError,
    );
    expect(error?.code).toBe("cancelled");
  });
});
