import { InvalidSettingError } from "@slipway/shared/tool-errors";
import type { BuilderSettings } from "./config.js";
import type { BuilderDeps } from "./image-build/run-build.js";

/** The production wiring of runBuild from validated settings; fetch and the clock come from outside. */
export function makeBuilderDeps(
  settings: BuilderSettings,
  io: { fetch: typeof globalThis.fetch; now: () => Date },
): BuilderDeps {
  if (!settings.buildkitAddr) {
    throw new InvalidSettingError(
      "SLIPWAY_BUILDKIT_ADDR must be set to buildkitd's address (unix:// or tcp://)",
    );
  }
  return {
    buildctl: settings.buildctl,
    addr: settings.buildkitAddr,
    fetch: io.fetch,
    now: io.now,
    dockerConfigDir: settings.dockerConfigDir,
    timeoutSeconds: settings.buildTimeoutSeconds,
    // makeImageTarget puts every workspace's images under <registry>/<prefix>/<workspace>/.
    workspacesRoot: settings.registry
      ? [settings.registry, settings.repositoryPrefix].filter(Boolean).join("/")
      : undefined,
  };
}
