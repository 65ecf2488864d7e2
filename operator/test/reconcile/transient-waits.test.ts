import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import type { KubeClient } from "@slipway/shared/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCrds } from "../../src/crd/install-crds.js";
import { eventually, freshNamespace, sampleDeployment, testClient } from "../helpers.js";
import { startTestOperator, type TestOperator } from "../operator-harness.js";

/**
 * A real kubelet reports `CreateContainerConfigError` for a moment right after scheduling (the
 * node authorizer has not linked the node to the env Secret yet); kwok never does, so these
 * tests write that pod status themselves, as the kubelet would.
 */

interface Pod {
  metadata: { name: string; resourceVersion: string };
  status: {
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: Record<string, unknown>[];
  } & Record<string, unknown>;
}

const kube = testClient();
const operators: TestOperator[] = [];

const nowStamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

async function readyCr(ns: string, name: string): Promise<SlipwayDeployment> {
  return eventually(`${name} Ready`, async () => {
    const cr = await kube.get<SlipwayDeployment>(deploymentCrPath(ns, name));
    return cr.status?.phase === "Ready" && cr.status.observedGeneration === cr.metadata.generation
      ? cr
      : undefined;
  });
}

/** Rewrites the one pod's status as the kubelet would: not ready, or running and ready. */
async function writePodStatus(client: KubeClient, ns: string, waitingReason?: string) {
  await eventually(`pod status ${waitingReason ?? "Running"} written`, async () => {
    const pods = await client.get<{ items: Pod[] }>(`/api/v1/namespaces/${ns}/pods`);
    const pod = pods.items[0];
    if (!pod) return undefined;
    const ready = waitingReason ? "False" : "True";
    const stamp = nowStamp();
    const status = {
      ...pod.status,
      conditions: (pod.status.conditions ?? []).map((c) =>
        c.type === "Ready" || c.type === "ContainersReady"
          ? { ...c, status: ready, lastTransitionTime: stamp }
          : c,
      ),
      containerStatuses: (pod.status.containerStatuses ?? []).map((c) => ({
        ...c,
        ready: !waitingReason,
        started: !waitingReason,
        state: waitingReason
          ? { waiting: { reason: waitingReason, message: 'secret "env" not found' } }
          : { running: { startedAt: stamp } },
      })),
    };
    // A 409 (kwok or the kubelet wrote meanwhile) is retried with the fresh pod.
    await client.replace(`/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/status`, {
      ...pod,
      status,
    });
    return true;
  });
}

async function startWith(prefix: string, waitGraceSeconds: number): Promise<string> {
  const ns = await freshNamespace(kube, prefix);
  operators.push(await startTestOperator(ns, { waitGraceSeconds }));
  await kube.create(
    deploymentCrPath(ns),
    sampleDeployment("web", { regions: [{ name: "eu-1", replicas: { min: 1, max: 1 } }] }),
  );
  await readyCr(ns, "web");
  return ns;
}

beforeAll(async () => {
  await installCrds(kube);
});

afterAll(async () => {
  for (const op of operators) await op.stop();
  kube.close();
});

describe("container wait reasons a real kubelet reports for a moment", () => {
  it("a CreateContainerConfigError that clears within the grace never fails the deployment", async () => {
    const ns = await startWith("transient-wait", 600);
    await writePodStatus(kube, ns, "CreateContainerConfigError");
    const notReady = await eventually("the operator to see the pod not ready", async () => {
      const cr = await kube.get<SlipwayDeployment>(deploymentCrPath(ns, "web"));
      return cr.status?.regions?.[0]?.instances[0]?.ready === false ? cr : undefined;
    });
    expect(notReady.status!.phase).toBe("Progressing");
    expect(notReady.status!.conditions!.find((c) => c.type === "Degraded")).toMatchObject({
      status: "False",
      reason: "AsExpected",
    });

    await writePodStatus(kube, ns);
    const ready = await readyCr(ns, "web");
    expect(ready.status!.conditions!.find((c) => c.type === "Degraded")!.status).toBe("False");
  });

  it("a CreateContainerConfigError that persists past the grace makes the CR Degraded with the reason", async () => {
    const ns = await startWith("persistent-wait", 2);
    await writePodStatus(kube, ns, "CreateContainerConfigError");
    // No pod event follows the first one: the operator has to look again by itself.
    const degraded = await eventually("web Degraded", async () => {
      const cr = await kube.get<SlipwayDeployment>(deploymentCrPath(ns, "web"));
      return cr.status?.phase === "Degraded" ? cr : undefined;
    });
    const condition = degraded.status!.conditions!.find((c) => c.type === "Degraded")!;
    expect(condition).toMatchObject({ status: "True", reason: "InstancesFailing" });
    expect(condition.message).toMatch(
      /^web-eu-1-[a-z0-9-]+: CreateContainerConfigError for over 2 s$/,
    );
  });
});
