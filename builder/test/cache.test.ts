import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { promisify } from "node:util";
import type { BuildRequest } from "@slipway/shared";
import { afterAll, describe, expect, it } from "vitest";
import { runBuild } from "../src/image-build/run-build.js";
import { makeApp, stack, testDeps, uniqueRepository } from "./harness/context.js";

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("layer cache", () => {
  it("reuses layers for an unchanged app, also from the registry cache after BuildKit's own cache is gone", async () => {
    const dir = await makeApp({
      Dockerfile: `FROM ${stack().baseImage}\nCOPY package.txt /app/\nRUN echo installing && sleep 2 && cp /app/package.txt /app/installed.txt\nCOPY src.txt /app/\n`,
      "package.txt": "deps v1\n",
      "src.txt": "source v1\n",
    });
    dirs.push(dir);
    const repository = uniqueRepository("cache");
    const request = (deploymentId: string): BuildRequest => ({
      deploymentId,
      source: { kind: "directory", path: dir },
      rootDirectory: ".",
      env: { SOME_VAR: "value-1" },
      imageRepository: repository,
      cacheRef: `${repository}:buildcache`,
    });
    const runStep = (steps: Array<{ name: string; cached: boolean }>) =>
      steps.find((s) => s.name.includes("RUN echo installing"));

    const cold = await runBuild(request("dep_cache1"), testDeps());
    expect(runStep(cold.steps)?.cached).toBe(false);

    const warm = await runBuild(request("dep_cache2"), testDeps());
    expect(runStep(warm.steps)?.cached).toBe(true);
    expect(warm.cachedSteps).toBeGreaterThanOrEqual(3);
    expect(warm.digest).toBe(cold.digest);
    expect(warm.durationSeconds).toBeLessThan(cold.durationSeconds);

    // Drop buildkitd's local cache: the next build has only the registry cache to go on.
    await run(stack().buildctl, ["--addr", stack().addr, "prune", "--all"]);
    const fromRegistry = await runBuild(request("dep_cache3"), testDeps());
    expect(runStep(fromRegistry.steps)?.cached).toBe(true);
    console.log(
      `cache: cold ${cold.durationSeconds.toFixed(2)} s, warm ${warm.durationSeconds.toFixed(2)} s, registry cache only ${fromRegistry.durationSeconds.toFixed(2)} s`,
    );
  });
});
