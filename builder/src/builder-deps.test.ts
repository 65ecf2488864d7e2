import { InvalidSettingError } from "@slipway/shared/tool-errors";
import { describe, expect, it } from "vitest";
import { makeBuilderDeps } from "./builder-deps.js";
import { readBuilderSettings } from "./config.js";

describe("makeBuilderDeps", () => {
  const io = { fetch: globalThis.fetch, now: () => new Date(0) };

  it("wires runBuild from the settings", () => {
    const settings = readBuilderSettings(
      {
        SLIPWAY_BUILDKIT_ADDR: "tcp://buildkitd.slipway:1234",
        SLIPWAY_BUILDCTL: "/usr/local/bin/buildctl",
        SLIPWAY_REGISTRY_DOCKER_CONFIG: "/var/run/secrets/registry",
        SLIPWAY_BUILD_TIMEOUT_SECONDS: "900",
        SLIPWAY_REGISTRY: "registry.slipway:5000",
      },
      "/home/u",
    );
    expect(makeBuilderDeps(settings, io)).toEqual({
      buildctl: "/usr/local/bin/buildctl",
      addr: "tcp://buildkitd.slipway:1234",
      fetch: io.fetch,
      now: io.now,
      dockerConfigDir: "/var/run/secrets/registry",
      timeoutSeconds: 900,
      workspacesRoot: "registry.slipway:5000/slipway",
    });
  });

  it("defaults buildctl to the cached build and needs an address", () => {
    const settings = readBuilderSettings({}, "/home/u");
    expect(settings.buildctl).toBe("/home/u/.cache/slipway/buildkit-v0.34.2/buildctl");
    expect(() => makeBuilderDeps(settings, io)).toThrow(InvalidSettingError);
  });
});
