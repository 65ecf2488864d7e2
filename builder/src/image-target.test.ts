import { describe, expect, it } from "vitest";
import { makeImageTarget } from "./image-target.js";

describe("makeImageTarget", () => {
  it("puts each app under the prefix with a per-app registry cache", () => {
    expect(
      makeImageTarget(
        { registry: "ghcr.io", repositoryPrefix: "acme", registryCache: true },
        { projectSlug: "payments", appSlug: "api" },
      ),
    ).toEqual({
      imageRepository: "ghcr.io/acme/payments-api",
      cacheRef: "ghcr.io/acme/payments-api:buildcache",
    });
  });

  it("omits an empty prefix and the cache when disabled", () => {
    expect(
      makeImageTarget(
        { registry: "127.0.0.1:5000", repositoryPrefix: "", registryCache: false },
        { projectSlug: "P", appSlug: "web" },
      ),
    ).toEqual({ imageRepository: "127.0.0.1:5000/p-web", cacheRef: undefined });
  });

  it("needs a registry", () => {
    expect(() =>
      makeImageTarget(
        { registry: undefined, repositoryPrefix: "x", registryCache: true },
        { projectSlug: "p", appSlug: "a" },
      ),
    ).toThrow(/SLIPWAY_REGISTRY/);
  });
});
