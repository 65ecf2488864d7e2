import { deploymentCrPath } from "@slipway/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCrds } from "../../src/crd/install-crds.js";
import { eventually, freshNamespace, sampleDeployment, testClient } from "../helpers.js";
import { startTestOperator, type TestOperator } from "../operator-harness.js";

const kube = testClient();
let ns: string;
let op: TestOperator;

interface Claim {
  metadata: { name: string; ownerReferences?: { kind: string; name: string }[] };
  spec: { storageClassName?: string; resources: { requests: { storage: string } } };
}

beforeAll(async () => {
  await installCrds(kube);
  ns = await freshNamespace(kube, "disk");
  op = await startTestOperator(ns, { diskMode: "ephemeral", diskStorageClass: "slipway-test" });
});

afterAll(async () => {
  await op?.stop();
});

describe("SLIPWAY_DISK_MODE=ephemeral", () => {
  it("gives each instance its own claim of the requested size, owned by its pod", async () => {
    await kube.create(
      deploymentCrPath(ns),
      sampleDeployment("disk", { storageMib: 2048, regions: [{ name: "eu-1" }] }),
    );
    // The testbed has no provisioner, so the pod waits for its volume; the claim is what counts.
    const claim = await eventually("the pod's ephemeral claim", async () => {
      const claims = await kube.get<{ items: Claim[] }>(
        `/api/v1/namespaces/${ns}/persistentvolumeclaims`,
      );
      return claims.items[0];
    });
    expect(claim.spec.resources.requests.storage).toBe("2Gi");
    expect(claim.spec.storageClassName).toBe("slipway-test");
    expect(claim.metadata.name).toMatch(/^disk-eu-1-.*-data$/);
    expect(claim.metadata.ownerReferences?.[0]?.kind).toBe("Pod");
  });
});
