import { describe, expect, it } from "vitest";
import { expectedStatuses, isAllowedTransition, lifecycleTransitions } from "./lifecycle-table.js";

// Idle previews: scaled to zero for want of requests, woken by the next one. The table must
// reach `idle` only from `ready`, leave it only by starting or stopping, and never confuse it
// with a stop a person asked for.

describe("idle in the lifecycle table", () => {
  it("idles only a ready deployment, audited, with a power job to scale it to zero", () => {
    expect(lifecycleTransitions.idle).toEqual({
      from: ["ready"],
      to: "idle",
      audit: "deployment.idle",
      next: "power",
    });
    for (const from of ["deploying", "stopped", "failed", "pending", "idle"] as const) {
      expect(isAllowedTransition(from, "idle")).toBe(false);
    }
  });

  it("wakes an idle deployment through the audited start, back to deploying", () => {
    expect(isAllowedTransition("idle", "deploying")).toBe(true);
    expect(lifecycleTransitions.start.audit).toBe("deployment.start");
    // Sentinel narrows the start to idle, so a stopped preview never wakes on a request.
    expect(expectedStatuses("start", ["idle"])).toEqual(["idle"]);
  });

  it("lets an idle preview be stopped (a closed pull request, stopDeployment)", () => {
    expect(isAllowedTransition("idle", "stopped")).toBe(true);
  });

  it("goes nowhere else from idle: not ready without a rollout, never failed", () => {
    for (const to of ["ready", "failed", "cancelled", "superseded", "pending"] as const) {
      expect(isAllowedTransition("idle", to)).toBe(false);
    }
  });
});
