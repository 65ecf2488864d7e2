import { describe, expect, it } from "vitest";
import { previewHostnames } from "./preview-hostnames.js";
import { stableHostname } from "./stable-hostname.js";

const base = {
  appSlug: "web",
  environmentSlug: "production",
  environmentId: "env_01jd0000000000000000000000",
  previewDomain: "slipway.localhost",
};

describe("stableHostname", () => {
  it("names the app and environment, one label under the preview domain", () => {
    expect(stableHostname(base)).toMatch(/^web-production-[0-9a-f]{12}\.slipway\.localhost$/);
    expect(stableHostname(base)).toBe(stableHostname({ ...base }));
  });

  it("gives same-slug environments of other workspaces or projects different names", () => {
    const other = stableHostname({ ...base, environmentId: "env_01jd0000000000000000000001" });
    expect(other).not.toBe(stableHostname(base));
  });

  it("keeps the label a DNS label within 63 characters, however long the slugs", () => {
    const name = stableHostname({ ...base, appSlug: `${"a".repeat(49)}-b`, environmentSlug: "c" });
    const label = name.split(".")[0]!;
    expect(label.length).toBeLessThanOrEqual(63);
    expect(label).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
  });

  it("cannot be spelled by another app's deployment or branch name", () => {
    const target = stableHostname(base);
    const [label] = target.split(".");
    // An attacker picks the app slug and branch; only the hash-shaped tail is out of reach.
    const prefix = label!.slice(0, label!.lastIndexOf("-"));
    const tail = label!.slice(label!.lastIndexOf("-") + 1);
    const names = previewHostnames({
      appId: "app_attacker",
      appSlug: prefix,
      environmentId: "env_attacker",
      branch: tail,
      deploymentId: "dep_01jd5x7k3m0000000000000000",
      previewDomain: base.previewDomain,
    });
    expect([names.deployment, names.branch]).not.toContain(target);
    for (const name of [names.deployment, names.branch!]) {
      const last = name.split(".")[0]!.split("-").at(-1)!;
      expect(last.length).not.toBe(tail.length);
    }
  });
});
