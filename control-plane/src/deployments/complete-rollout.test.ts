import { describe, expect, it } from "vitest";
import { takesOverTraffic } from "./complete-rollout.js";

describe("takesOverTraffic", () => {
  it("makes the first ready production deployment current", () => {
    expect(
      takesOverTraffic({ deploymentId: "dep_2", currentDeploymentId: null, isRolledBack: false }),
    ).toBe(true);
  });

  it("lets a newer deployment take over, never an older one that finished late", () => {
    expect(
      takesOverTraffic({
        deploymentId: "dep_3",
        currentDeploymentId: "dep_2",
        isRolledBack: false,
      }),
    ).toBe(true);
    expect(
      takesOverTraffic({
        deploymentId: "dep_1",
        currentDeploymentId: "dep_2",
        isRolledBack: false,
      }),
    ).toBe(false);
  });

  it("leaves a rolled-back app's traffic where the rollback put it", () => {
    expect(
      takesOverTraffic({ deploymentId: "dep_3", currentDeploymentId: "dep_2", isRolledBack: true }),
    ).toBe(false);
  });
});
