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
  // Not the builder's own failure (database, GitHub token, network): try again.
  return true;
}
