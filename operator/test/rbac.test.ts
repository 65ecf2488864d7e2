import { readFile } from "node:fs/promises";
import type { SlipwayDeployment } from "@slipway/shared";
import { type KubeApiError, KubeClient, loadKubeConnection } from "@slipway/shared/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { installCrds } from "../src/crd/install-crds.js";
import { LeaderElector } from "../src/runtime/leader-election.js";
import { silentLogger } from "../src/runtime/logger.js";
import { crPath, eventually, freshNamespace, sampleDeployment, testClient } from "./helpers.js";
import { startTestOperator, type TestOperator } from "./operator-harness.js";

const admin = testClient();
let operatorNs: string;
let appsNs: string;
let asOperator: KubeClient;
let op: TestOperator | undefined;

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

const collection: Record<string, (ns?: string) => string> = {
  ServiceAccount: (ns) => `/api/v1/namespaces/${ns}/serviceaccounts`,
  ClusterRole: () => "/apis/rbac.authorization.k8s.io/v1/clusterroles",
  ClusterRoleBinding: () => "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
  Role: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`,
  RoleBinding: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`,
};

beforeAll(async () => {
  await installCrds(admin);
  operatorNs = await freshNamespace(admin, "operator");
  appsNs = await freshNamespace(admin, "apps");
  // deploy/rbac.yaml as shipped, moved into this test's namespace.
  const text = (await readFile(new URL("../deploy/rbac.yaml", import.meta.url), "utf8"))
    .replaceAll("slipway-system", operatorNs)
    .replaceAll("name: slipway-operator\n", `name: slipway-operator-${operatorNs}\n`);
  for (const doc of parseAllDocuments(text)) {
    const manifest = doc.toJSON() as Manifest;
    const path = `${collection[manifest.kind]!(manifest.metadata.namespace)}/${manifest.metadata.name}`;
    await admin.apply(path, manifest);
  }
  asOperator = new KubeClient({
    ...loadKubeConnection(process.env),
    impersonate: `system:serviceaccount:${operatorNs}:slipway-operator-${operatorNs}`,
  });
});

afterAll(async () => {
  await op?.stop();
  asOperator?.close();
});

describe("deploy/rbac.yaml", () => {
  it("is enough to lead and reconcile a Deployment to Ready, and no more", async () => {
    const elector = new LeaderElector(
      asOperator,
      {
        namespace: operatorNs,
        leaseName: "slipway-operator",
        identity: "rbac-test",
        leaseDurationSeconds: 15,
        renewIntervalMs: 1000,
      },
      () => new Date(),
      silentLogger,
    );
    expect(await elector.tryAcquireOrRenew()).toBe(true);
    expect(await elector.tryAcquireOrRenew()).toBe(true);

    op = await startTestOperator(appsNs, {}, { client: asOperator });
    await admin.create(
      crPath(appsNs),
      sampleDeployment("least-privilege", { regions: [{ name: "eu-1" }] }),
    );
    await eventually("least-privilege Ready", async () => {
      const cr = await admin.get<SlipwayDeployment>(crPath(appsNs, "least-privilege"));
      return cr.status?.phase === "Ready" ? cr : undefined;
    });

    const secrets = await asOperator
      .get(`/api/v1/namespaces/${appsNs}/secrets`)
      .catch((e: unknown) => e);
    expect((secrets as KubeApiError).status).toBe(403);
  });
});
