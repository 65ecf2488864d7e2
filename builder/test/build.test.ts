import { rm } from "node:fs/promises";
import type { BuildEvent } from "@slipway/shared";
import { afterAll, describe, expect, it } from "vitest";
import { buildEvents } from "../src/image-build/build-events.js";
import { runBuild } from "../src/image-build/run-build.js";
import { makeApp, stack, testDeps, uniqueRepository } from "./harness/context.js";
import { downloadImage, getManifest } from "./harness/registry-client.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("a Dockerfile build", () => {
  it("pushes an image whose manifest the registry serves by digest, and streams its progress", async () => {
    const dir = await makeApp({
      Dockerfile: `FROM ${stack().baseImage}\nCOPY hello.txt /hello.txt\nRUN echo "building on $(uname -s)" && cp /hello.txt /copied.txt\nCMD ["cat", "/copied.txt"]\n`,
      "hello.txt": "hello from slipway\n",
    });
    dirs.push(dir);
    const repository = uniqueRepository("hello");
    const events: BuildEvent[] = [];
    const result = await runBuild(
      {
        deploymentId: "dep_hello1",
        source: { kind: "directory", path: dir },
        rootDirectory: ".",
        env: {},
        imageRepository: repository,
      },
      testDeps(),
      { onEvent: (event) => events.push(event) },
    );

    expect(result.imageRef).toMatch(new RegExp(`^${repository}@sha256:[0-9a-f]{64}$`));
    expect(result.taggedRef).toBe(`${repository}:dep_hello1`);
    const byDigest = await getManifest(result.imageRef);
    expect(byDigest.status).toBe(200);
    expect(byDigest.digest).toBe(result.digest);
    expect((await getManifest(result.taggedRef)).digest).toBe(result.digest);

    const image = await downloadImage(result.imageRef);
    expect(JSON.parse(image.config).config.Cmd).toEqual(["cat", "/copied.txt"]);
    expect(Buffer.concat(image.layers).toString("latin1")).toContain("hello from slipway");

    const runStep = events.find((e) => e.type === "step_started" && e.name.includes("RUN echo"));
    expect(runStep).toBeDefined();
    expect(events).toContainEqual(
      expect.objectContaining({ type: "log", stepId: runStep?.stepId, line: "building on Linux" }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: "step_finished", stepId: runStep?.stepId, cached: false }),
    );
    expect(result.steps.some((step) => step.name.includes("RUN echo"))).toBe(true);
  });

  it("survives a listener that throws (the pipeline failed to store an event)", async () => {
    const dir = await makeApp({ Dockerfile: `FROM ${stack().baseImage}\nRUN echo listener\n` });
    dirs.push(dir);
    let calls = 0;
    const result = await runBuild(
      {
        deploymentId: "dep_listener",
        source: { kind: "directory", path: dir },
        rootDirectory: ".",
        env: {},
        imageRepository: uniqueRepository("listener"),
      },
      testDeps(),
      {
        onEvent: () => {
          calls += 1;
          throw new Error("storage is down");
        },
      },
    );
    expect(calls).toBeGreaterThan(0);
    expect(result.imageRef).toContain("@sha256:");
  });

  it("streams the same build as an async iterator", async () => {
    const dir = await makeApp({
      "app/Dockerfile": `FROM ${stack().baseImage}\nRUN echo iterated\n`,
    });
    dirs.push(dir);
    const { events, result } = buildEvents(
      {
        deploymentId: "dep_iter1",
        source: { kind: "directory", path: dir },
        rootDirectory: "app",
        env: {},
        imageRepository: uniqueRepository("iter"),
      },
      testDeps(),
    );
    const lines: string[] = [];
    for await (const event of events) if (event.type === "log") lines.push(event.line);
    expect(lines).toContain("iterated");
    expect((await result).imageRef).toContain("@sha256:");
  });
});
