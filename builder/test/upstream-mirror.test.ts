import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { runBuild } from "../src/image-build/run-build.js";
import { makeApp, stack, testDeps, uniqueRepository } from "./harness/context.js";
import { copyImage, downloadImage } from "./harness/registry-client.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Builds `FROM <from>` plus one step and returns the image's layers as text. */
async function buildFrom(from: string): Promise<string> {
  const dir = await makeApp({ Dockerfile: `FROM ${from}\nRUN echo built > /built.txt\n` });
  dirs.push(dir);
  const result = await runBuild(
    {
      deploymentId: `dep_mirror${randomBytes(3).toString("hex")}`,
      source: { kind: "directory", path: dir },
      rootDirectory: ".",
      env: {},
      imageRepository: uniqueRepository("mirrored"),
    },
    testDeps(),
  );
  return Buffer.concat((await downloadImage(result.imageRef)).layers).toString("latin1");
}

describe("Docker Hub and registry.k8s.io names through the local registry as a mirror", () => {
  it("builds `FROM name:tag` (docker.io/library/name) from the local registry's library/name", async () => {
    // A name no registry on the internet has: only the mirror can answer it.
    const name = `slipway-mirror-${randomBytes(4).toString("hex")}`;
    await copyImage(stack().baseImage, `library/${name}`, "1");
    const layers = await buildFrom(`${name}:1`);
    // The base's busybox is in the result, so the FROM really came from the mirror.
    expect(layers).toContain("bin/busybox");
    expect(layers).toContain("built");
  });

  it("builds `FROM registry.k8s.io/path:tag` from the local registry's path", async () => {
    const path = `slipway-test/mirror-${randomBytes(4).toString("hex")}`;
    await copyImage(stack().baseImage, path, "2");
    const layers = await buildFrom(`registry.k8s.io/${path}:2`);
    expect(layers).toContain("bin/busybox");
  });
});
