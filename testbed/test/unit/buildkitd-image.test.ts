import { describe, expect, it } from "vitest";
import { BUILDKITD_IMAGE_CONFIG, buildkitdImageKey } from "../../src/images/buildkitd-image.js";

describe("the chart's buildkitd image", () => {
  it("is keyed by the binaries it carries: another buildkitd or buildctl is another image", () => {
    const key = buildkitdImageKey({ buildkitd: "a", buildctl: "b" });
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(buildkitdImageKey({ buildkitd: "a", buildctl: "b" })).toBe(key);
    expect(buildkitdImageKey({ buildkitd: "a2", buildctl: "b" })).not.toBe(key);
    expect(buildkitdImageKey({ buildkitd: "a", buildctl: "b2" })).not.toBe(key);
  });

  it("runs buildkitd as the entrypoint, so the chart's args (--config) reach it", () => {
    expect(BUILDKITD_IMAGE_CONFIG.entrypoint).toEqual(["buildkitd"]);
    expect(BUILDKITD_IMAGE_CONFIG.cmd).toBeUndefined();
    expect(BUILDKITD_IMAGE_CONFIG.user).toBeUndefined();
  });
});
