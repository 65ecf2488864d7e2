import { BuildError, type BuildRequest, type BuildSource } from "@slipway/shared";
import type { DeploymentRow, EnvironmentRow } from "../db/schema/index.js";

/**
 * Pure: what to ask the builder for, from the deployment (which commit), its environment (the
 * build settings as of now) and where the app's images go. `env` is handed through untouched:
 * the builder turns each variable into a BuildKit secret.
 */
export function makeBuildRequest(input: {
  deployment: Pick<DeploymentRow, "id">;
  environment: Pick<EnvironmentRow, "build">;
  source: BuildSource;
  env: Record<string, string>;
  target: { imageRepository: string; cacheRef: string | undefined };
}): BuildRequest {
  const { build } = input.environment;
  return {
    deploymentId: input.deployment.id,
    source: input.source,
    rootDirectory: build.rootDirectory || ".",
    ...(build.dockerfile ? { dockerfile: build.dockerfile } : {}),
    env: input.env,
    imageRepository: input.target.imageRepository,
    // Tags are case-sensitive but registries prefer lower case; ids are unique either way.
    tag: input.deployment.id.toLowerCase(),
    ...(input.target.cacheRef ? { cacheRef: input.target.cacheRef } : {}),
  };
}

/** Pure: the message a person reads on the deployment (and on GitHub) when its build failed. */
export function describeBuildFailure(error: BuildError): string {
  const parts = [error.message];
  if (error.details.hint && !error.message.includes(error.details.hint)) {
    parts.push(error.details.hint);
  }
  const tail = error.details.logTail?.filter((line) => line.trim() !== "").slice(-10) ?? [];
  if (tail.length > 0) parts.push(`Last output:\n${tail.join("\n")}`);
  return parts.join("\n\n").slice(0, 4000);
}

/** Pure: the build failures no retry fixes, and the ones worth another attempt. */
export function shouldRetryBuild(error: unknown, isLastAttempt: boolean): boolean {
  if (isLastAttempt) return false;
  if (error instanceof BuildError) return error.retryable && error.code !== "timed_out";
  // Not the builder's own failure: only an outage (network, database, GitHub 5xx) is worth
  // another attempt; a bug or a refused input fails the same way every time.
  return isTransientFailure(error);
}

/** Errors of sockets and DNS that a later attempt may not meet (Node's and undici's codes). */
const transientNetworkCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
]);

/**
 * PostgreSQL SQLSTATEs of an outage or a lost race: connection exceptions (class 08),
 * serialization failure and deadlock, too many connections, the server shutting down.
 */
const transientSqlStates = /^(?:08...|40001|40P01|53300|57P0[123])$/;

/** Pure: is this (or what caused it) an outage that a later attempt may not meet? */
export function isTransientFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const { code, status } = current as { code?: unknown; status?: unknown };
    if (
      typeof code === "string" &&
      (transientNetworkCodes.has(code) || transientSqlStates.test(code))
    ) {
      return true;
    }
    // An HTTP error from GitHub's client (octokit's RequestError carries `status`).
    if (typeof status === "number" && (status >= 500 || status === 429)) return true;
    if (/Connection terminated|connection timeout/i.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}
