import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { type BuildError, isBuildError } from "@slipway/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeBuilderDeps } from "../src/builder-deps.js";
import { readBuilderSettings } from "../src/config.js";
import { runBuild } from "../src/image-build/run-build.js";
import { makeImageTarget } from "../src/image-target.js";
import { makeApp, stack } from "./harness/context.js";
import { downloadImage } from "./harness/registry-client.js";

// Two workspaces of one Slipway, wired as production wires the builder (makeBuilderDeps,
// makeImageTarget): their images share one registry under <registry>/slipway/<workspace>/.
const suffix = randomBytes(3).toString("hex");
const workspaceA = `ws_a${suffix}`;
const workspaceB = `ws_b${suffix}`;
const dirs: string[] = [];
let privateImageOfB = "";
let imageOfA = "";

function settings() {
  return readBuilderSettings({
    SLIPWAY_BUILDKIT_ADDR: stack().addr,
    SLIPWAY_BUILDCTL: stack().buildctl,
    SLIPWAY_REGISTRY: stack().registry,
    SLIPWAY_BUILD_CACHE: "none",
  });
}

async function buildIn(workspaceId: string, appSlug: string, dockerfile: string) {
  const dir = await makeApp({ Dockerfile: dockerfile });
  dirs.push(dir);
  const target = makeImageTarget(settings(), { workspaceId, projectSlug: "shop", appSlug });
  return runBuild(
    {
      deploymentId: `dep_${appSlug}`,
      source: { kind: "directory", path: dir },
      rootDirectory: ".",
      env: {},
      ...target,
    },
    makeBuilderDeps(settings(), { fetch, now: () => new Date() }),
  );
}

beforeAll(async () => {
  const base = stack().baseImage;
  privateImageOfB = (
    await buildIn(workspaceB, "private", `FROM ${base}\nRUN echo secret-of-b > /b.txt\n`)
  ).taggedRef;
  imageOfA = (await buildIn(workspaceA, "base", `FROM ${base}\nRUN echo mine > /a.txt\n`))
    .taggedRef;
});

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("registry isolation between workspaces", () => {
  it("a build uses public images and its own workspace's images", async () => {
    const result = await buildIn(
      workspaceA,
      "web",
      `FROM ${imageOfA}\nCOPY --from=${stack().baseImage} /bin/busybox /copied-busybox\nRUN cat /a.txt > /seen.txt\n`,
    );
    const layers = Buffer.concat((await downloadImage(result.imageRef)).layers).toString("latin1");
    expect(layers).toContain("mine");
  });

  const other = () => privateImageOfB;
  const otherViaLocalhost = () => privateImageOfB.replace(/^127\.0\.0\.1:/, "localhost:");
  it.each([
    ["FROM", () => `FROM ${other()}\n`],
    ["FROM with the name in an ARG", () => `ARG BASE=${other()}\nFROM $BASE\n`],
    [
      "FROM through LocalHost",
      () => `FROM ${otherViaLocalhost().replace("localhost", "LocalHost")}\n`,
    ],
    ["COPY --from", () => `FROM ${stack().baseImage}\nCOPY --from=${other()} /b.txt /b.txt\n`],
    [
      "RUN --mount=from through localhost",
      () =>
        `FROM ${stack().baseImage}\nRUN --mount=from=${otherViaLocalhost()},target=/x cat /x/b.txt\n`,
    ],
  ])("another workspace's image is refused: %s", async (_, dockerfile) => {
    const error = await buildIn(workspaceA, "thief", dockerfile()).then(
      () => undefined,
      (e: unknown) => e as BuildError,
    );
    expect(isBuildError(error)).toBe(true);
    expect(error?.code).toBe("base_image_unavailable");
    expect(error?.retryable).toBe(false);
    expect(error?.message).toMatch(/belongs to another workspace/);
    expect(error?.message).toContain(`/slipway/${workspaceB}/shop-private`);
  });
});
