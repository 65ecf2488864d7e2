import { describe, expect, it } from "vitest";
import { displayStatus, extensionActions, formatDuration, isInFlight } from "./deployment-view";

describe("deployment view", () => {
  it("shows an idle preview as idle and pending as queued", () => {
    expect(displayStatus({ status: "ready", idle: true })).toBe("idle");
    expect(displayStatus({ status: "pending" })).toBe("queued");
    expect(displayStatus({ status: "failed" })).toBe("failed");
  });

  it("keeps polling only while a deployment can change by itself", () => {
    expect(isInFlight({ status: "building" })).toBe(true);
    expect(isInFlight({ status: "ready" })).toBe(false);
    expect(isInFlight({ status: "awaiting_approval" })).toBe(false);
  });

  it("offers cancel while queued or building and approve only when awaiting approval", () => {
    expect(extensionActions({ status: "building" })).toEqual(["cancel"]);
    expect(extensionActions({ status: "awaiting_approval" })).toEqual(["cancel", "approve"]);
    expect(extensionActions({ status: "ready" })).toEqual([]);
  });

  it("formats durations", () => {
    expect(formatDuration(4_400)).toBe("4s");
    expect(formatDuration(125_000)).toBe("2m 05s");
  });
});
