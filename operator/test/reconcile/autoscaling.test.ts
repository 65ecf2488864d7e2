import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCrds } from "../../src/crd/install-crds.js";
import { eventually, freshNamespace, sampleDeployment, testClient } from "../helpers.js";
import { startTestOperator, type TestOperator } from "../operator-harness.js";

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface Hpa {
  spec: {
    scaleTargetRef: { kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: { resource?: { name: string; target: { averageUtilization?: number } } }[];
  };
  status?: { conditions?: Condition[]; desiredReplicas?: number };
}

const kube = testClient();
let ns: string;
let op: TestOperator;

beforeAll(async () => {
  await installCrds(kube);
  ns = await freshNamespace(kube, "autoscaling");
  op = await startTestOperator(ns);
});

afterAll(async () => {
  await op.stop();
  kube.close();
});

const hpaPath = (name: string) =>
  `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers/${name}`;
const condition = (hpa: Hpa, type: string) => hpa.status?.conditions?.find((c) => c.type === type);

/*
 * The testbed has no metrics API, so no test here can make CPU load and watch the HPA react to
 * it. What it shows instead, against the real HPA controller: the controller takes the HPA as
 * a CPU-utilization autoscaler of the CR's workload (it can read and change the workload's
 * scale and asks for CPU metrics at the CR's target), and the HPA, not the operator, owns the
 * replica count: raising replicas.min scales the region up.
 */
describe("autoscaling", () => {
  it("hands the workload to the HPA controller, which scales on CPU at the CR's target", async () => {
    await kube.create(
      deploymentCrPath(ns),
      sampleDeployment("scaled", {
        regions: [{ name: "eu-1", replicas: { min: 1, max: 5 } }],
        autoscaling: { targetCpuUtilization: 65 },
      }),
    );
    const hpa = await eventually("the HPA controller to look at the HPA", async () => {
      const found = await kube.find<Hpa>(hpaPath("scaled-eu-1"));
      return found && condition(found, "AbleToScale") && condition(found, "ScalingActive")
        ? found
        : undefined;
    });
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: "Deployment", name: "scaled-eu-1" });
    expect(hpa.spec.metrics).toEqual([
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 65 } },
      },
    ]);
    // It read the workload's scale, and failed only where the testbed has no metrics server:
    // fetching CPU utilization, so CPU is what it scales on.
    expect(condition(hpa, "AbleToScale")).toMatchObject({ status: "True" });
    expect(condition(hpa, "ScalingActive")).toMatchObject({
      status: "False",
      reason: "FailedGetResourceMetric",
    });
    expect(condition(hpa, "ScalingActive")?.message).toMatch(/cpu/);

    // Utilization is relative to requests: the pods must ask for CPU.
    const workload = await kube.get<{
      spec: {
        replicas?: number;
        template: { spec: { containers: { resources: { requests: { cpu: string } } }[] } };
      };
    }>(`/apis/apps/v1/namespaces/${ns}/deployments/scaled-eu-1`);
    expect(workload.spec.template.spec.containers[0]!.resources.requests.cpu).toBe("250m");
  });

  it("lets the HPA scale a region up when replicas.min rises", async () => {
    await eventually("scaled Ready with 1 instance", async () => {
      const cr = await kube.get<SlipwayDeployment>(deploymentCrPath(ns, "scaled"));
      return cr.status?.phase === "Ready" && cr.status.readyReplicas === 1 ? cr : undefined;
    });
    await kube.send(
      "PATCH",
      deploymentCrPath(ns, "scaled"),
      { spec: { regions: [{ name: "eu-1", replicas: { min: 3, max: 5 } }] } },
      "application/merge-patch+json",
    );
    const cr = await eventually("scaled Ready with 3 instances", async () => {
      const found = await kube.get<SlipwayDeployment>(deploymentCrPath(ns, "scaled"));
      return found.status?.phase === "Ready" && found.status.readyReplicas === 3
        ? found
        : undefined;
    });
    expect(cr.status?.regions?.[0]?.instances).toHaveLength(3);
    const hpa = await kube.get<Hpa>(hpaPath("scaled-eu-1"));
    expect(hpa.spec.minReplicas).toBe(3);
    expect(hpa.status?.desiredReplicas).toBe(3);
  });
});
