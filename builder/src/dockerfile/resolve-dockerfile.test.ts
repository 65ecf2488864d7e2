import { BuildError } from "@slipway/shared";
import { describe, expect, it } from "vitest";
import {
  findDockerfileCandidates,
  resolveDockerfile,
  safeRelativePath,
} from "./resolve-dockerfile.js";

function failure(fn: () => unknown): BuildError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BuildError) return error;
    throw error;
  }
  throw new Error("expected a BuildError");
}

describe("safeRelativePath", () => {
  it.each([
    ["./app/", "app"],
    ["app//web/../api", "app/api"],
    [".", "."],
    ["a\\b", "a/b"],
  ])("normalises %s to %s", (raw, expected) => {
    expect(safeRelativePath("root directory", raw)).toBe(expected);
  });

  it.each(["../etc", "app/../../x", "/etc/passwd", "C:\\x", ""])("rejects %s", (raw) => {
    expect(failure(() => safeRelativePath("root directory", raw)).code).toBe("invalid_request");
  });
});

describe("resolveDockerfile", () => {
  it("uses the configured Dockerfile relative to the root directory", () => {
    expect(
      resolveDockerfile(
        { rootDirectory: "api", dockerfile: "docker/prod.Dockerfile" },
        ["api/docker/prod.Dockerfile"],
        ["api", "api/docker"],
      ),
    ).toEqual({
      contextPath: "api",
      dockerfilePath: "api/docker/prod.Dockerfile",
    });
    expect(resolveDockerfile({ rootDirectory: "." }, ["Dockerfile"], [])).toEqual({
      contextPath: ".",
      dockerfilePath: "Dockerfile",
    });
  });

  it("hints at a case mismatch", () => {
    const error = failure(() =>
      resolveDockerfile({ rootDirectory: "." }, ["dockerfile", "src/index.ts"], ["src"]),
    );
    expect(error.code).toBe("dockerfile_not_found");
    expect(error.message).toContain(
      'the repository has "dockerfile", the settings say "Dockerfile"',
    );
    expect(error.details.suggestions).toEqual(["dockerfile"]);
  });

  it("suggests the Dockerfiles that exist elsewhere", () => {
    const error = failure(() =>
      resolveDockerfile(
        { rootDirectory: "." },
        ["docker/Dockerfile.prod", "services/api/Containerfile", "README.md"],
        ["docker", "services", "services/api"],
      ),
    );
    expect(error.details.suggestions).toEqual([
      "docker/Dockerfile.prod",
      "services/api/Containerfile",
    ]);
    expect(error.details.hint).toContain('"docker/Dockerfile.prod", "services/api/Containerfile"');
  });

  it("says clearly when there is no Dockerfile at all", () => {
    const error = failure(() => resolveDockerfile({ rootDirectory: "." }, ["package.json"], []));
    expect(error.code).toBe("dockerfile_not_found");
    expect(error.message).toMatch(/^No Dockerfile found in the repository/);
  });

  it("rejects a missing root directory and paths escaping the repository", () => {
    expect(
      failure(() => resolveDockerfile({ rootDirectory: "nope" }, ["Dockerfile"], [])).message,
    ).toContain('"nope" does not exist');
    expect(
      failure(() => resolveDockerfile({ rootDirectory: ".", dockerfile: "../Dockerfile" }, [], []))
        .code,
    ).toBe("invalid_request");
    expect(failure(() => resolveDockerfile({ rootDirectory: "../../" }, [], [])).code).toBe(
      "invalid_request",
    );
  });

  it("recognises Dockerfile naming conventions", () => {
    expect(
      findDockerfileCandidates([
        "Dockerfile",
        "api.dockerfile",
        "Dockerfile.dev",
        "docs/dockerfiles.md",
        "Containerfile",
        "x/DOCKERFILE",
      ]),
    ).toEqual(["Containerfile", "Dockerfile", "Dockerfile.dev", "api.dockerfile", "x/DOCKERFILE"]);
  });
});
