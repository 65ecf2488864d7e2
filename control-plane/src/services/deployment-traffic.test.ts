import { describe, expect, it } from "vitest";
import { decideTrafficChange } from "./deployment-traffic.js";

const base = {
  deploymentId: "dep_b",
  status: "ready",
  environmentKind: "production",
  currentDeploymentId: "dep_a",
  isRolledBack: false,
};

describe("decideTrafficChange", () => {
  it("rolls back to another ready production deployment and marks the app rolled back", () => {
    expect(decideTrafficChange({ ...base, action: "rollback" })).toEqual({
      kind: "switch",
      currentDeploymentId: "dep_b",
      isRolledBack: true,
    });
  });

  it("promotes, clearing a rollback, also of the current deployment of a rolled-back app", () => {
    expect(decideTrafficChange({ ...base, action: "promote", isRolledBack: true })).toEqual({
      kind: "switch",
      currentDeploymentId: "dep_b",
      isRolledBack: false,
    });
    expect(
      decideTrafficChange({
        ...base,
        action: "promote",
        currentDeploymentId: "dep_b",
        isRolledBack: true,
      }),
    ).toMatchObject({ kind: "switch", isRolledBack: false });
  });

  it.each([
    [{ action: "promote", currentDeploymentId: "dep_b" }, /already the current/],
    [{ action: "rollback", currentDeploymentId: "dep_b" }, /already the current/],
    [{ action: "promote", environmentKind: "preview" }, /not in the production environment/],
    [{ action: "rollback", status: "stopped" }, /is stopped; only a ready/],
    [{ action: "promote", currentDeploymentId: null }, /no current deployment/],
  ] as const)("refuses %j", (change, reason) => {
    const decision = decideTrafficChange({ ...base, ...change });
    expect(decision.kind).toBe("refuse");
    expect(decision.kind === "refuse" && decision.reason).toMatch(reason);
  });
});
