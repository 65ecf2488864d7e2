import { rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { type BuildError, type BuildRequest, isBuildError } from "@slipway/shared";
import { afterAll, describe, expect, it } from "vitest";
import { runBuild } from "../src/image-build/run-build.js";
import { makeApp, stack, testDeps, uniqueRepository } from "./harness/context.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function attempt(files: Record<string, string>, settings: Partial<BuildRequest>) {
  const dir = await makeApp(files);
  dirs.push(dir);
  return runBuild(
    {
      deploymentId: "dep_detect",
      source: { kind: "directory", path: dir },
      rootDirectory: ".",
      env: {},
      imageRepository: uniqueRepository("detect"),
      ...settings,
    },
    testDeps(),
  ).then(
    (result) => result,
    (error: unknown) => {
      if (isBuildError(error)) return error;
      throw error;
    },
  );
}

const from = () => `FROM ${stack().baseImage}\nRUN echo ok\n`;

describe("Dockerfile detection on a real source tree", () => {
  it("hints at a case mismatch (dockerfile vs Dockerfile)", async () => {
    const error = (await attempt({ dockerfile: from(), "index.js": "" }, {})) as BuildError;
    expect(error.code).toBe("dockerfile_not_found");
    expect(error.message).toContain(
      'the repository has "dockerfile", the settings say "Dockerfile"',
    );
    expect(error.details.suggestions).toEqual(["dockerfile"]);
  });

  it("suggests the Dockerfiles that exist when the configured one does not", async () => {
    const error = (await attempt(
      {
        "docker/Dockerfile.prod": from(),
        "services/api/Dockerfile": from(),
        "node_modules/x/Dockerfile": "",
      },
      { dockerfile: "Dockerfile.production" },
    )) as BuildError;
    expect(error.code).toBe("dockerfile_not_found");
    expect(error.details.suggestions).toEqual([
      "docker/Dockerfile.prod",
      "services/api/Dockerfile",
    ]);
  });

  it("says so clearly when the repository has no Dockerfile at all", async () => {
    const error = (await attempt({ "package.json": "{}" }, {})) as BuildError;
    expect(error.code).toBe("dockerfile_not_found");
    expect(error.message).toMatch(/^No Dockerfile found in the repository/);
  });

  it("refuses paths that escape the repository", async () => {
    const error = (await attempt(
      { Dockerfile: from() },
      { dockerfile: "../../etc/Dockerfile" },
    )) as BuildError;
    expect(error.code).toBe("invalid_request");
    expect(error.message).toContain("outside the repository");
  });

  it("refuses a Dockerfile that is a symlink out of the repository", async () => {
    const outside = await makeApp({ Dockerfile: from() });
    dirs.push(outside);
    const dir = await makeApp({ "app.txt": "x" });
    dirs.push(dir);
    await symlink(join(outside, "Dockerfile"), join(dir, "Dockerfile"));
    const error = await runBuild(
      {
        deploymentId: "dep_link",
        source: { kind: "directory", path: dir },
        rootDirectory: ".",
        env: {},
        imageRepository: uniqueRepository("detect"),
      },
      testDeps(),
    ).then(
      () => undefined,
      (e: unknown) => e as BuildError,
    );
    expect(error?.code).toBe("invalid_request");
    expect(error?.message).toContain("symbolic link");
  });

  it("builds with rootDirectory and a Dockerfile in a subfolder of it", async () => {
    const result = await attempt(
      {
        "services/api/docker/api.Dockerfile": `FROM ${stack().baseImage}\nCOPY main.txt /main.txt\n`,
        "services/api/main.txt": "api\n",
      },
      { rootDirectory: "services/api", dockerfile: "docker/api.Dockerfile" },
    );
    expect(isBuildError(result)).toBe(false);
  });
});
