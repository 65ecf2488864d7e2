import { describe, expect, it } from "vitest";
import { deploymentCrPath } from "./deployment-path.js";

describe("deploymentCrPath", () => {
  it("names the collection of a namespace, or one object in it", () => {
    expect(deploymentCrPath("apps")).toBe("/apis/slipway.dev/v1alpha1/namespaces/apps/deployments");
    expect(deploymentCrPath("apps", "dep-1")).toBe(
      "/apis/slipway.dev/v1alpha1/namespaces/apps/deployments/dep-1",
    );
  });
});
