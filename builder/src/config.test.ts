import { InvalidSettingError } from "@slipway/shared/tool-errors";
import { describe, expect, it } from "vitest";
import { readBuilderSettings } from "./config.js";

describe("readBuilderSettings", () => {
  it("defaults to the shared cache directory and a registry cache", () => {
    const settings = readBuilderSettings({}, "/home/u");
    expect(settings.cacheDir).toBe("/home/u/.cache/slipway");
    expect(settings.binDir).toBe("/home/u/.cache/slipway/buildkit-v0.34.2");
    expect(settings.registryCache).toBe(true);
    expect(settings.repositoryPrefix).toBe("slipway");
    expect(settings.buildTimeoutSeconds).toBe(1800);
  });

  it("reads the production variables", () => {
    const settings = readBuilderSettings(
      {
        SLIPWAY_CACHE_DIR: "/c",
        SLIPWAY_BUILDKIT_ADDR: "tcp://buildkitd:1234",
        SLIPWAY_REGISTRY: "ghcr.io",
        SLIPWAY_REGISTRY_PREFIX: "/acme/",
        SLIPWAY_REGISTRY_DOCKER_CONFIG: "/etc/slipway/registry",
        SLIPWAY_BUILD_CACHE: "none",
        SLIPWAY_BUILD_TIMEOUT_SECONDS: "600",
      },
      "/home/u",
    );
    expect(settings).toMatchObject({
      cacheDir: "/c",
      buildkitAddr: "tcp://buildkitd:1234",
      registry: "ghcr.io",
      repositoryPrefix: "acme",
      dockerConfigDir: "/etc/slipway/registry",
      registryCache: false,
      buildTimeoutSeconds: 600,
    });
  });

  it.each([
    ["SLIPWAY_BUILDKIT_ADDR", "buildkitd:1234"],
    ["SLIPWAY_REGISTRY", "https://ghcr.io"],
    ["SLIPWAY_BUILD_CACHE", "local"],
    ["SLIPWAY_BUILD_TIMEOUT_SECONDS", "soon"],
  ])("names %s when its value is bad", (name, value) => {
    expect(() => readBuilderSettings({ [name]: value })).toThrow(InvalidSettingError);
    expect(() => readBuilderSettings({ [name]: value })).toThrow(name);
  });
});
