import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCrds } from "../../src/crd/install-crds.js";
import { eventually, freshNamespace, sampleDeployment, testClient } from "../helpers.js";
import { settled, startTestOperator, type TestOperator } from "../operator-harness.js";

const kube = testClient();
let ns: string;
let op: TestOperator;

beforeAll(async () => {
  await installCrds(kube);
  ns = await freshNamespace(kube, "changes");
  op = await startTestOperator(ns);
});

afterAll(async () => {
  await op?.stop();
});

const getCr = (name: string) => kube.get<SlipwayDeployment>(deploymentCrPath(ns, name));
const names = async (path: string) =>
  (await kube.get<{ items: { metadata: { name: string } }[] }>(path)).items
    .map((i) => i.metadata.name)
    .sort();

describe("changes to a Slipway Deployment", () => {
  it("removing a region deletes that region's objects and its status", async () => {
    const twoRegions = [
      { name: "eu-1", replicas: { min: 1, max: 2 } },
      { name: "us-1", replicas: { min: 1, max: 2 } },
    ];
    await kube.create(deploymentCrPath(ns), sampleDeployment("shrink", { regions: twoRegions }));
    await eventually("shrink Ready in two regions", async () => {
      const cr = await getCr("shrink");
      return cr.status?.phase === "Ready" && cr.status.readyReplicas === 2 ? cr : undefined;
    });
    // A merge patch replaces the list (an apply would keep the item the creator owns).
    await kube.send(
      "PATCH",
      deploymentCrPath(ns, "shrink"),
      { spec: { regions: [twoRegions[0]!] } },
      "application/merge-patch+json",
    );
    await eventually("the us-1 objects to be gone", async () => {
      const left = [
        ...(await names(`/apis/apps/v1/namespaces/${ns}/deployments`)),
        ...(await names(`/api/v1/namespaces/${ns}/services`)),
        ...(await names(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`)),
        ...(await names(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`)),
      ];
      return left.every((name) => name === "shrink-eu-1") && left.length === 4 ? true : undefined;
    });
    const cr = await eventually("status without us-1", async () => {
      const current = await getCr("shrink");
      return current.status?.regions?.length === 1 && current.status.phase === "Ready"
        ? current
        : undefined;
    });
    expect(cr.status!.regions![0]!.name).toBe("eu-1");
  });

  it("an object the apiserver rejects makes the CR Degraded and is not retried in a loop", async () => {
    // Valid as a CR name, but <name>-eu-1 is too long for a Service (63 characters).
    const name = `long-${"x".repeat(55)}`;
    await kube.create(
      deploymentCrPath(ns),
      sampleDeployment(name, { regions: [{ name: "eu-1" }] }),
    );
    const cr = await eventually(`${name} Degraded`, async () => {
      const current = await getCr(name);
      return current.status?.phase === "Degraded" ? current : undefined;
    });
    const degraded = cr.status!.conditions!.find((c) => c.type === "Degraded")!;
    expect(degraded).toMatchObject({
      status: "True",
      reason: "ApplyFailed",
      observedGeneration: cr.metadata.generation,
    });
    expect(degraded.message).toContain(`Service ${name}-eu-1`);
    expect(
      op.metrics.value("slipway_operator_reconcile_total", { result: "terminal" }),
    ).toBeGreaterThan(0);
    await settled(op);
    const attempts = () =>
      op.requests.filter((r) => r.method === "PATCH" && r.status === 422).length;
    const before = attempts();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(attempts()).toBe(before);
  });
});
