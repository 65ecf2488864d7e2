import { describe, expect, it } from "vitest";
import { classifyFailure, mainErrorLine } from "./classify-failure.js";

// Real buildctl v0.34.2 output, captured from the failing builds in test/failures.test.ts.
const frame = (line: number, instruction: string) =>
  `Dockerfile:${line}\n--------------------\n   1 |     FROM 127.0.0.1:5000/base/busybox:1.35\n   ${line} | >>> ${instruction}\n--------------------\n`;

describe("classifyFailure", () => {
  it("unknown instruction → dockerfile_syntax with the line", () => {
    const error = classifyFailure({
      exitCode: 1,
      stderr: `${frame(2, "RUNN echo typo")}error: failed to solve: dockerfile parse error on line 2: unknown instruction: RUNN (did you mean RUN?)\n`,
      anyStepStarted: true,
    });
    expect(error.code).toBe("dockerfile_syntax");
    expect(error.message).toBe(
      "The Dockerfile has a syntax error on line 2: unknown instruction: RUNN (did you mean RUN?).",
    );
    expect(error.details.raw).toContain(">>> RUNN echo typo");
  });

  it("missing COPY source → copy_source_missing naming the file and the step", () => {
    const error = classifyFailure({
      exitCode: 1,
      stderr:
        'error: failed to solve: failed to compute cache key: failed to calculate checksum of ref abc::def: "/missing.txt": not found\n',
      failedStep: {
        name: "[2/2] COPY missing.txt /app/",
        error: 'failed to calculate checksum of ref abc::def: "/missing.txt": not found',
        logTail: [],
      },
      anyStepStarted: true,
    });
    expect(error.code).toBe("copy_source_missing");
    expect(error.message).toBe(
      'COPY/ADD refers to "missing.txt", which is not in the build context (step: [2/2] COPY missing.txt /app/).',
    );
  });

  it("failing RUN → run_failed with exit code and last lines", () => {
    const error = classifyFailure({
      exitCode: 1,
      stderr:
        'error: failed to solve: process "/bin/sh -c npm run build" did not complete successfully: exit code: 3\n',
      failedStep: {
        name: "[3/3] RUN npm run build",
        error: 'process "/bin/sh -c npm run build" did not complete successfully: exit code: 3',
        logTail: ["> build", "npm ERR! missing script: build"],
      },
      anyStepStarted: true,
    });
    expect(error.code).toBe("run_failed");
    expect(error.details.exitCode).toBe(3);
    expect(error.message).toBe(
      'The step "[3/3] RUN npm run build" failed with exit code 3.\nLast output:\n> build\nnpm ERR! missing script: build',
    );
  });

  it("unknown base image → base_image_unavailable", () => {
    const error = classifyFailure({
      exitCode: 1,
      stderr:
        "error: failed to solve: r:5000/nope/missing:1: failed to resolve source metadata for r:5000/nope/missing:1: r:5000/nope/missing:1: not found\n",
      anyStepStarted: true,
    });
    expect(error.code).toBe("base_image_unavailable");
    expect(error.message).toBe(
      'The base image "r:5000/nope/missing:1" could not be found or pulled.',
    );
  });

  it("refused push → registry_push_failed, retryable", () => {
    const error = classifyFailure({
      exitCode: 1,
      stderr:
        'error: failed to solve: failed to push 127.0.0.1:9/slipway/app:d: failed to do request: Head "http://127.0.0.1:9/v2/slipway/app/blobs/sha256:19": dial tcp 127.0.0.1:9: connect: connection refused\n',
      anyStepStarted: true,
    });
    expect(error.code).toBe("registry_push_failed");
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(
      /^The image was built but could not be pushed: failed to push 127\.0\.0\.1:9/,
    );
  });

  it("nothing started and the socket is missing → builder_unavailable", () => {
    const error = classifyFailure({
      exitCode: 1,
      stderr:
        "error: listing workers: connection error: dial unix /run/buildkit/buildkitd.sock: connect: no such file or directory\n",
      anyStepStarted: false,
    });
    expect(error.code).toBe("builder_unavailable");
  });

  it("anything else → unknown, raw output kept", () => {
    const error = classifyFailure({
      exitCode: 1,
      stderr: "error: something new\n",
      anyStepStarted: true,
    });
    expect(error.code).toBe("unknown");
    expect(error.message).toBe("The build failed: something new");
    expect(error.details.raw).toBe("error: something new\n");
  });

  it("mainErrorLine takes the last error line without prefixes", () => {
    expect(mainErrorLine("#1 noise\nerror: failed to solve: boom\n")).toBe("boom");
  });
});
