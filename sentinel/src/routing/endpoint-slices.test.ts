import { describe, expect, it } from "vitest";
import { deploymentLabelValue, instancesOfSlice } from "./endpoint-slices.js";

describe("instancesOfSlice", () => {
  const labels = { "slipway.dev/deployment": "dep-abc", "slipway.dev/region": "eu-1" };
  it("keeps ready endpoints on the http port", () => {
    expect(
      instancesOfSlice({
        metadata: { name: "s", labels },
        ports: [
          { name: "metrics", port: 9090 },
          { name: "http", port: 8080 },
        ],
        endpoints: [
          { addresses: ["10.0.0.1"], conditions: { ready: true }, targetRef: { name: "pod-a" } },
          {
            addresses: ["10.0.0.2"],
            conditions: { ready: false, terminating: true },
            targetRef: { name: "pod-b" },
          },
          { addresses: ["10.0.0.3"], targetRef: { name: "pod-c" } },
          { addresses: ["10.0.0.4"], conditions: { ready: null } },
        ],
      }),
    ).toEqual({
      deployment: "dep-abc",
      instances: [
        { id: "pod-a", address: "10.0.0.1", port: 8080, region: "eu-1" },
        { id: "pod-c", address: "10.0.0.3", port: 8080, region: "eu-1" },
        { id: "10.0.0.4", address: "10.0.0.4", port: 8080, region: "eu-1" },
      ],
    });
  });
  it("ignores slices that are not a deployment's and lists none without a port", () => {
    expect(instancesOfSlice({ metadata: { name: "s" } })).toBeUndefined();
    expect(
      instancesOfSlice({
        metadata: { name: "s", labels },
        ports: null,
        endpoints: [{ addresses: ["10.0.0.1"] }],
      }),
    ).toEqual({ deployment: "dep-abc", instances: [] });
  });
  it("maps a deployment id to the operator's label value", () => {
    expect(deploymentLabelValue("dep_01ABC")).toBe("dep-01abc");
  });
});
