import { type BuilderSettings, makeBuilderDeps, makeImageTarget, runBuild } from "@slipway/builder";
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
