import { describe, expect, it } from "vitest";
import { makeFakeNodeManifest, planFakeNodes, REGION_LABEL } from "../../src/cluster/fake-nodes.js";

describe("fake nodes", () => {
  it("spreads nodes over both regions", () => {
    const nodes = planFakeNodes(4);
    expect(nodes.map((n) => n.region)).toEqual(["eu-1", "us-1", "eu-1", "us-1"]);
    expect(new Set(nodes.map((n) => n.name)).size).toBe(4);
    expect(planFakeNodes(1).map((n) => n.region)).toEqual(["eu-1"]);
  });

  it("registers nodes that kwok will manage and the scheduler can place pods on", () => {
    const node = makeFakeNodeManifest(
      { name: "kwok-eu-1-0", region: "eu-1", zone: "eu-1a" },
      "v1.34.4",
    ) as {
      metadata: { annotations: Record<string, string>; labels: Record<string, string> };
      spec: { taints?: unknown[] };
      status: { allocatable: Record<string, string> };
    };
    expect(node.metadata.annotations["kwok.x-k8s.io/node"]).toBe("fake");
    expect(node.metadata.labels[REGION_LABEL]).toBe("eu-1");
    expect(node.spec.taints).toBeUndefined();
    expect(Number(node.status.allocatable.pods)).toBeGreaterThan(10);
  });
});
