import {
  type BuilderSettings,
  makeBuilderDeps,
  makeImageTarget,
  readBuilderSettings,
  runBuild,
} from "@slipway/builder";
import type { BuildEvent, BuildRequest, BuildResult } from "@slipway/shared";

/** The builder as the pipeline sees it: where an app's images go, and running one build. */
export interface BuildService {
  imageTarget(app: { workspaceId: string; projectSlug: string; appSlug: string }): {
    imageRepository: string;
    cacheRef: string | undefined;
  };
  run(
    request: BuildRequest,
    options: { signal: AbortSignal; onEvent: (event: BuildEvent) => void },
  ): Promise<BuildResult>;
}

export function createBuildService(settings: BuilderSettings): BuildService {
  const deps = makeBuilderDeps(settings, { fetch: globalThis.fetch, now: () => new Date() });
  return {
    imageTarget: (app) => makeImageTarget(settings, app),
    run: (request, options) => runBuild(request, deps, options),
  };
}

/**
 * The builder when this process is configured to build (SLIPWAY_BUILDKIT_ADDR and
 * SLIPWAY_REGISTRY set), else undefined: deployments then fail with a message saying so.
 */
export function buildServiceFromEnv(env: NodeJS.ProcessEnv): BuildService | undefined {
  const settings = readBuilderSettings(env);
  if (!settings.buildkitAddr || !settings.registry) return undefined;
  return createBuildService(settings);
}
