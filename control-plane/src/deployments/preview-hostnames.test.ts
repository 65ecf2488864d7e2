import { describe, expect, it } from "vitest";
import { previewHostnames } from "./preview-hostnames.js";

const base = {
  appId: "app_01jd0000000000000000000000",
  appSlug: "web",
  environmentId: "env_01jd0000000000000000000000",
  deploymentId: "dep_01jd5x7k3m0000000000000000",
  previewDomain: "preview.example.com",
};

describe("previewHostnames", () => {
  it("names the deployment and its branch under the preview domain", () => {
    const names = previewHostnames({ ...base, branch: "feature/Login_Page" });
    expect(names.deployment).toBe("web-01jd5x7k3m0000000000000000.preview.example.com");
    expect(names.branch).toMatch(/^web-git-feature-login-page-[0-9a-f]{8}\.preview\.example\.com$/);
  });

  it("keeps every label within 63 characters", () => {
    const names = previewHostnames({ ...base, appSlug: "a".repeat(60), branch: "b".repeat(300) });
    for (const hostname of [names.deployment, names.branch!]) {
      const label = hostname.split(".")[0]!;
      expect(label.length).toBeLessThanOrEqual(63);
      expect(label).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
    }
  });

  it("gives same-slug apps, other environments and look-alike branches different names", () => {
    const one = previewHostnames({ ...base, branch: "feature/x" }).branch;
    const otherApp = previewHostnames({ ...base, appId: "app_other", branch: "feature/x" }).branch;
    const lookAlike = previewHostnames({ ...base, branch: "feature-x" }).branch;
    const staging = previewHostnames({
      ...base,
      environmentId: "env_staging",
      branch: "feature/x",
    });
    expect(new Set([one, otherApp, lookAlike, staging.branch]).size).toBe(4);
  });

  it("has no branch name for a deployment without a branch (an image)", () => {
    expect(previewHostnames({ ...base, branch: null }).branch).toBeUndefined();
  });
});
