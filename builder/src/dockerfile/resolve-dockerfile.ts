import { posix } from "node:path";
import { BuildError } from "@slipway/shared";

/** Where the build context and the Dockerfile are, relative to the source root. */
export interface ResolvedDockerfile {
  contextPath: string;
  dockerfilePath: string;
}

const DOCKERFILE_NAME = /^(?:[^/]*\.)?(?:dockerfile|containerfile)(?:\.[^/]*)?$/i;

/** A relative path that stays inside the source root, normalised; throws invalid_request. */
export function safeRelativePath(what: string, raw: string): string {
  const trimmed = raw.trim();
  if (trimmed === "" || trimmed.includes("\0")) {
    throw new BuildError("invalid_request", `The ${what} "${raw}" is empty or not a path.`);
  }
  if (trimmed.startsWith("/") || /^[A-Za-z]:[\\/]/.test(trimmed)) {
    throw new BuildError(
      "invalid_request",
      `The ${what} "${raw}" must be relative to the repository root, not absolute.`,
    );
  }
  const normalised = posix.normalize(trimmed.replaceAll("\\", "/")).replace(/\/+$/, "") || ".";
  if (normalised === ".." || normalised.startsWith("../")) {
    throw new BuildError(
      "invalid_request",
      `The ${what} "${raw}" points outside the repository (uses "..").`,
    );
  }
  return normalised;
}

/** Files that look like Dockerfiles, e.g. `Dockerfile`, `docker/Dockerfile.prod`, `api.dockerfile`. */
export function findDockerfileCandidates(files: readonly string[]): string[] {
  return files.filter((file) => DOCKERFILE_NAME.test(posix.basename(file))).sort();
}

/**
 * Chooses the Dockerfile from the environment's build settings and the source's file list
 * (relative paths, `/`-separated). Pure: the listing is done by the caller.
 */
export function resolveDockerfile(
  settings: { rootDirectory: string; dockerfile?: string | undefined },
  files: readonly string[],
  directories: readonly string[],
): ResolvedDockerfile {
  const contextPath = safeRelativePath("root directory", settings.rootDirectory || ".");
  if (contextPath !== "." && !directories.includes(contextPath)) {
    throw new BuildError(
      "invalid_request",
      `The root directory "${contextPath}" does not exist in the repository. Set it to a folder that does, or "." for the repository root.`,
    );
  }
  const configured = settings.dockerfile?.trim() ? settings.dockerfile : "Dockerfile";
  const dockerfilePath = safeRelativePath("dockerfile path", posix.join(contextPath, configured));
  if (files.includes(dockerfilePath)) return { contextPath, dockerfilePath };

  const candidates = findDockerfileCandidates(files);
  if (candidates.length === 0) {
    throw new BuildError(
      "dockerfile_not_found",
      `No Dockerfile found in the repository (looked for "${dockerfilePath}"). Add a Dockerfile to the root directory "${contextPath}", or set the environment's dockerfile path if it has another name.`,
      { hint: "Slipway builds images from a Dockerfile; buildpacks are not supported yet." },
    );
  }
  const caseMatch = candidates.find((file) => file.toLowerCase() === dockerfilePath.toLowerCase());
  const hint = caseMatch
    ? `File names are case-sensitive: the repository has "${caseMatch}", the settings say "${dockerfilePath}". Rename the file or set dockerfile to "${posix.relative(contextPath, caseMatch)}".`
    : `Set the environment's dockerfile (relative to the root directory "${contextPath}") to one of: ${candidates.map((c) => `"${posix.relative(contextPath, c)}"`).join(", ")}.`;
  throw new BuildError(
    "dockerfile_not_found",
    `No Dockerfile at "${dockerfilePath}". Dockerfiles in the repository: ${candidates.map((c) => `"${c}"`).join(", ")}. ${hint}`,
    { hint, suggestions: candidates },
  );
}
