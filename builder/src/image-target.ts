import type { BuilderSettings } from "./config.js";

/**
 * Where an app's images and its layer cache live in the configured registry:
 * `<registry>/<prefix>/<project>-<app>` and `…:buildcache`. One cache per app, shared by its
 * environments, so a preview build reuses production's layers.
 */
export function makeImageTarget(
  settings: Pick<BuilderSettings, "registry" | "repositoryPrefix" | "registryCache">,
  app: { workspaceId: string; projectSlug: string; appSlug: string },
): { imageRepository: string; cacheRef: string | undefined } {
  if (!settings.registry)
    throw new Error("SLIPWAY_REGISTRY is not set: the builder has nowhere to push images");
  const clean = (part: string) => part.toLowerCase().replace(/[^a-z0-9._-]+/g, "-");
  // One repository (and so one layer cache) per workspace and app: slugs repeat across
  // workspaces, and one workspace's cache must never serve another's build.
  const workspace = clean(app.workspaceId);
  const name = clean(`${app.projectSlug}-${app.appSlug}`);
  const imageRepository = [settings.registry, settings.repositoryPrefix, workspace, name]
    .filter(Boolean)
    .join("/");
  return {
    imageRepository,
    cacheRef: settings.registryCache ? `${imageRepository}:buildcache` : undefined,
  };
}
