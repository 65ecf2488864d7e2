import { rm } from "node:fs/promises";
import { type BuildError, type BuildRequest, isBuildError } from "@slipway/shared";
import { afterAll, describe, expect, it } from "vitest";
import { type BuilderDeps, runBuild } from "../src/image-build/run-build.js";
import { makeApp, stack, testDeps, uniqueRepository } from "./harness/context.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function buildFailure(
  files: Record<string, string>,
  overrides: Partial<BuildRequest> = {},
  deps: BuilderDeps = testDeps(),
): Promise<BuildError> {
  const dir = await makeApp(files);
  dirs.push(dir);
  const request: BuildRequest = {
    deploymentId: "dep_fail",
    source: { kind: "directory", path: dir },
    rootDirectory: ".",
    env: {},
    imageRepository: uniqueRepository("fail"),
    ...overrides,
  };
  try {
    await runBuild(request, deps);
  } catch (error) {
    if (isBuildError(error)) return error;
    throw error;
  }
  throw new Error("the build succeeded");
}

describe("build failures are mapped to stable codes with a message saying what to do", () => {
  it("empty Dockerfile", async () => {
    const error = await buildFailure({ Dockerfile: "# nothing here\n\n" });
    expect(error.code).toBe("dockerfile_empty");
    expect(error.details.hint).toContain("FROM");
  });

  it("unknown instruction", async () => {
    const error = await buildFailure({ Dockerfile: `FROM ${stack().baseImage}\nRUNN echo typo\n` });
    expect(error.code).toBe("dockerfile_syntax");
    expect(error.message).toMatch(/line 2/);
    expect(error.message).toMatch(/unknown instruction: RUNN/i);
    expect(error.details.raw).toBeTruthy();
  });

  it("missing file in COPY", async () => {
    const error = await buildFailure({
      Dockerfile: `FROM ${stack().baseImage}\nCOPY missing.txt /app/\n`,
    });
    expect(error.code).toBe("copy_source_missing");
    expect(error.message).toContain('"missing.txt"');
    expect(error.details.raw).toContain("not found");
  });

  it("failing RUN: exit code and its last output lines", async () => {
    const error = await buildFailure({
      Dockerfile: `FROM ${stack().baseImage}\nRUN echo step one && echo "npm ERR! missing script: build" >&2 && exit 3\n`,
    });
    expect(error.code).toBe("run_failed");
    expect(error.details.exitCode).toBe(3);
    expect(error.details.logTail).toContain("npm ERR! missing script: build");
    expect(error.message).toContain("exit code 3");
    expect(error.message).toContain("npm ERR! missing script: build");
  });

  it("base image that does not exist", async () => {
    const error = await buildFailure({
      Dockerfile: `FROM ${stack().registry}/nope/missing:1\nRUN true\n`,
    });
    expect(error.code).toBe("base_image_unavailable");
    expect(error.message).toContain(`${stack().registry}/nope/missing:1`);
  });

  it("registry push error", async () => {
    // Nothing listens on port 9 (discard) of loopback: the push is refused.
    const error = await buildFailure(
      { Dockerfile: `FROM ${stack().baseImage}\nRUN echo built > /built\n` },
      { imageRepository: "127.0.0.1:9/slipway/unreachable" },
    );
    expect(error.code).toBe("registry_push_failed");
    expect(error.retryable).toBe(true);
    expect(error.details.hint).toContain("registry");
  });

  it("malformed request: tag, repository, cache ref, variable name", async () => {
    const files = { Dockerfile: `FROM ${stack().baseImage}\n` };
    for (const overrides of [
      { tag: "bad tag" },
      { imageRepository: "NoRegistry" },
      { cacheRef: `${stack().registry}/c:cache,mode=max,ref=evil` },
      { env: { "NOT-A-NAME": "x" } },
    ]) {
      expect((await buildFailure(files, overrides)).code).toBe("invalid_request");
    }
  });

  it("BuildKit unreachable", async () => {
    const error = await buildFailure(
      { Dockerfile: `FROM ${stack().baseImage}\n` },
      {},
      testDeps({ addr: "unix:///tmp/slipway-no-such-buildkitd.sock" }),
    );
    expect(error.code).toBe("builder_unavailable");
  });
});
