import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { slipwayCacheDir } from "@slipway/shared/go-build";
import { InvalidSettingError } from "@slipway/shared/tool-errors";

/** Must match the `require` line of go/buildkit/go.mod. */
export const BUILDKIT_VERSION = "v0.34.2";
export const BUILDKIT_BINARIES = ["buildkitd", "buildctl"] as const;

/** builder/ in the repository (this file lives in builder/src). */
export const BUILDER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const BUILDKIT_WRAPPER_DIR = join(BUILDER_DIR, "go", "buildkit");

export interface BuilderSettings {
  /** Root of what the builder keeps outside the repository (shared with the testbed). */
  cacheDir: string;
  /** Where the pinned buildkitd/buildctl live, e.g. ~/.cache/slipway/buildkit-v0.34.2. */
  binDir: string;
  /** buildctl's --addr: `unix:///run/buildkit/buildkitd.sock` or `tcp://buildkitd:1234`. */
  buildkitAddr: string | undefined;
  /** Registry host[:port] that images are pushed to, e.g. `127.0.0.1:5000` or `ghcr.io`. */
  registry: string | undefined;
  /** Path prefix under the registry for app images, e.g. `slipway` → registry/slipway/<app>. */
  repositoryPrefix: string;
  /** Use a registry cache (`<repo>:buildcache`, mode=max) when the request names none. */
  registryCache: boolean;
  /** Directory with a docker `config.json` holding registry credentials (a mounted
   * kubernetes.io/dockerconfigjson Secret); handed to buildctl as DOCKER_CONFIG. */
  dockerConfigDir: string | undefined;
  /** The buildctl binary: SLIPWAY_BUILDCTL, else the one built into binDir. */
  buildctl: string;
  /** Wall-clock limit of one build. */
  buildTimeoutSeconds: number;
}

/** Reads SLIPWAY_* variables; pure so it can be unit tested with a fake env. */
export function readBuilderSettings(
  env: NodeJS.ProcessEnv,
  home: string = homedir(),
): BuilderSettings {
  const cacheDir = slipwayCacheDir(env, home);
  const rawTimeout = env.SLIPWAY_BUILD_TIMEOUT_SECONDS ?? "1800";
  const buildTimeoutSeconds = Number(rawTimeout);
  if (!Number.isInteger(buildTimeoutSeconds) || buildTimeoutSeconds < 10) {
    throw new InvalidSettingError(
      `SLIPWAY_BUILD_TIMEOUT_SECONDS must be a whole number of seconds ≥ 10, got "${rawTimeout}"`,
    );
  }
  const addr = env.SLIPWAY_BUILDKIT_ADDR;
  if (addr !== undefined && !/^(unix|tcp):\/\/.+/.test(addr)) {
    throw new InvalidSettingError(
      `SLIPWAY_BUILDKIT_ADDR must start with unix:// or tcp://, got "${addr}"`,
    );
  }
  const registry = env.SLIPWAY_REGISTRY;
  if (registry !== undefined && !/^[a-z0-9.-]+(:\d+)?$/i.test(registry)) {
    throw new InvalidSettingError(
      `SLIPWAY_REGISTRY must be a registry host[:port] without scheme or path, got "${registry}"`,
    );
  }
  const cacheMode = env.SLIPWAY_BUILD_CACHE ?? "registry";
  if (cacheMode !== "registry" && cacheMode !== "none") {
    throw new InvalidSettingError(
      `SLIPWAY_BUILD_CACHE must be "registry" or "none", got "${cacheMode}"`,
    );
  }
  return {
    cacheDir,
    binDir: join(cacheDir, `buildkit-${BUILDKIT_VERSION}`),
    buildctl: env.SLIPWAY_BUILDCTL
      ? resolve(env.SLIPWAY_BUILDCTL)
      : join(cacheDir, `buildkit-${BUILDKIT_VERSION}`, "buildctl"),
    buildkitAddr: addr,
    registry,
    repositoryPrefix: (env.SLIPWAY_REGISTRY_PREFIX ?? "slipway").replace(/^\/+|\/+$/g, ""),
    registryCache: cacheMode === "registry",
    dockerConfigDir: env.SLIPWAY_REGISTRY_DOCKER_CONFIG
      ? resolve(env.SLIPWAY_REGISTRY_DOCKER_CONFIG)
      : undefined,
    buildTimeoutSeconds,
  };
}
