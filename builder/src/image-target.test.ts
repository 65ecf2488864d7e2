import { describe, expect, it } from "vitest";
import { makeImageTarget } from "./image-target.js";

describe("makeImageTarget", () => {
  it("puts each workspace's app under the prefix with a registry cache of its own", () => {
    expect(
      makeImageTarget(
        { registry: "ghcr.io", repositoryPrefix: "acme", registryCache: true },
        { workspaceId: "ws_2Qx", projectSlug: "payments", appSlug: "api" },
      ),
    ).toEqual({
      imageRepository: "ghcr.io/acme/ws_2qx/payments-api",
      cacheRef: "ghcr.io/acme/ws_2qx/payments-api:buildcache",
    });
  });

  it("omits an empty prefix and the cache when disabled", () => {
    expect(
      makeImageTarget(
        { registry: "127.0.0.1:5000", repositoryPrefix: "", registryCache: false },
        { workspaceId: "ws_a", projectSlug: "P", appSlug: "web" },
      ),
    ).toEqual({ imageRepository: "127.0.0.1:5000/ws_a/p-web", cacheRef: undefined });
  });

  it("needs a registry", () => {
    expect(() =>
      makeImageTarget(
        { registry: undefined, repositoryPrefix: "x", registryCache: true },
        { workspaceId: "ws_a", projectSlug: "p", appSlug: "a" },
      ),
    ).toThrow(/SLIPWAY_REGISTRY/);
  });
});
