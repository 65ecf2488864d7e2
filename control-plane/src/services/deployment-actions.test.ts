import type { DeploymentStatus, EnvironmentKind } from "@slipway/shared";
import { describe, expect, it } from "vitest";
import { availableActions } from "./deployment-actions.js";

const older = new Date("2026-01-01T00:00:00Z");
const newer = new Date("2026-02-01T00:00:00Z");

function actions(
  status: DeploymentStatus,
  environmentKind: EnvironmentKind,
  extra: Partial<Parameters<typeof availableActions>[0]> = {},
) {
  return availableActions({
    status,
    environmentKind,
    isCurrent: false,
    isRolledBack: false,
    createdAt: newer,
    currentCreatedAt: older,
    ...extra,
  });
}

describe("availableActions", () => {
  it("offers stop and start on previews only", () => {
    expect(actions("ready", "preview")).toEqual(["stop"]);
    expect(actions("stopped", "preview")).toEqual(["start"]);
    expect(actions("ready", "production")).not.toContain("stop");
    expect(actions("stopped", "production")).toEqual([]);
  });

  it("offers promote for a newer and rollback for an older production deployment", () => {
    expect(actions("ready", "production")).toEqual(["promote"]);
    expect(actions("ready", "production", { createdAt: older, currentCreatedAt: newer })).toEqual([
      "rollback",
    ]);
  });

  it("offers nothing on the current deployment unless the app is rolled back", () => {
    expect(actions("ready", "production", { isCurrent: true })).toEqual([]);
    expect(actions("ready", "production", { isCurrent: true, isRolledBack: true })).toEqual([
      "promote",
    ]);
  });

  it("offers nothing while building, after a failure, or before the app has a current one", () => {
    for (const status of ["building", "deploying", "failed", "cancelled"] as const) {
      expect(actions(status, "preview")).toEqual([]);
      expect(actions(status, "production")).toEqual([]);
    }
    expect(actions("ready", "production", { currentCreatedAt: undefined })).toEqual([]);
  });
});
