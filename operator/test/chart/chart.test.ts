import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import { type KubeApiError, KubeClient, loadKubeConnection } from "@slipway/shared/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { LeaderElector } from "../../src/runtime/leader-election.js";
import { silentLogger } from "../../src/runtime/logger.js";
import { eventually, freshNamespace, sampleDeployment, testClient } from "../helpers.js";
import { startTestOperator, type TestOperator } from "../operator-harness.js";
import { ensureHelm, helmTemplate } from "./helm.js";

const admin = testClient();
const running: TestOperator[] = [];
const clients: KubeClient[] = [];
let helm: string;

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
}

const plural: Record<string, string> = {
  CustomResourceDefinition: "customresourcedefinitions",
  ServiceAccount: "serviceaccounts",
  ClusterRole: "clusterroles",
  ClusterRoleBinding: "clusterrolebindings",
  Role: "roles",
  RoleBinding: "rolebindings",
  Deployment: "deployments",
};

function objectPath(manifest: Manifest): string {
  const prefix = manifest.apiVersion.includes("/")
    ? `/apis/${manifest.apiVersion}`
    : `/api/${manifest.apiVersion}`;
  const ns = manifest.metadata.namespace ? `/namespaces/${manifest.metadata.namespace}` : "";
  return `${prefix}${ns}/${plural[manifest.kind]}/${manifest.metadata.name}`;
}

/**
 * Renders the chart as `helm install` would and server-side-applies it: the CRD and RBAC for
 * real, the operator's Deployment as a dry run (the image is not built here), so the
 * apiserver validates every object the chart ships.
 */
async function install(release: string, namespace: string, values: Record<string, string> = {}) {
  const manifests = parseAllDocuments(await helmTemplate(helm, release, namespace, values))
    .map((doc) => doc.toJSON() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
  for (const manifest of manifests) {
    // helm install puts namespaced objects without a namespace into the release's.
    if (manifest.kind !== "CustomResourceDefinition" && !manifest.kind.startsWith("Cluster")) {
      manifest.metadata.namespace ??= namespace;
    }
    const dryRun = manifest.kind === "Deployment" ? "?dryRun=All" : "";
    await admin.apply(`${objectPath(manifest)}${dryRun}`, manifest);
  }
  return manifests;
}

function impersonate(namespace: string, serviceAccount: string): KubeClient {
  const client = new KubeClient({
    ...loadKubeConnection(process.env),
    impersonate: `system:serviceaccount:${namespace}:${serviceAccount}`,
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  helm = await ensureHelm();
}, 30 * 60_000);

afterAll(async () => {
  await Promise.all(running.map((op) => op.stop()));
  for (const client of clients) client.close();
});

describe("charts/slipway", () => {
  it("installs the CRD, a hardened operator Deployment and its ServiceAccount", async () => {
    const ns = await freshNamespace(admin, "chart");
    const manifests = await install(`c-${ns}`, ns, { "operator.image.tag": "test" });
    expect(manifests.map((m) => m.kind).sort()).toEqual([
      "ClusterRole",
      "ClusterRoleBinding",
      "CustomResourceDefinition",
      "Deployment",
      "Role",
      "RoleBinding",
      "ServiceAccount",
    ]);
    const crd = await admin.get<{ spec: { names: { shortNames: string[] } } }>(
      objectPath(manifests.find((m) => m.kind === "CustomResourceDefinition")!),
    );
    expect(crd.spec.names.shortNames).toContain("sdeploy");

    const deployment = manifests.find((m) => m.kind === "Deployment") as unknown as {
      spec: { replicas: number; template: { spec: PodSpec } };
    };
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe(`c-${ns}-operator`);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    const [container] = pod.containers;
    expect(container!.image).toBe("ghcr.io/slipway-dev/operator:test");
    expect(container!.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(container!.resources.limits.memory).toBeDefined();
    expect(container!.readinessProbe.httpGet).toEqual({ path: "/healthz", port: "metrics" });
    expect(container!.ports).toEqual([{ name: "metrics", containerPort: 9090, protocol: "TCP" }]);
    const env = Object.fromEntries(container!.env.map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      SLIPWAY_LEADER_ELECTION: "true",
      SLIPWAY_OPERATOR_NAMESPACE: { fieldRef: { fieldPath: "metadata.namespace" } },
      POD_NAME: { fieldRef: { fieldPath: "metadata.name" } },
      SLIPWAY_METRICS_PORT: "9090",
    });
  });

  it("grants exactly enough to lead and reconcile a Deployment to Ready in every namespace", async () => {
    const operatorNs = await freshNamespace(admin, "operator");
    const appsNs = await freshNamespace(admin, "apps");
    await install(`r-${operatorNs}`, operatorNs);
    const asOperator = impersonate(operatorNs, `r-${operatorNs}-operator`);

    const elector = new LeaderElector(
      asOperator,
      {
        namespace: operatorNs,
        leaseName: "slipway-operator",
        identity: "chart-test",
        leaseDurationSeconds: 15,
        renewIntervalMs: 1000,
      },
      () => new Date(),
      silentLogger,
    );
    expect(await elector.tryAcquireOrRenew()).toBe(true);
    expect(await elector.tryAcquireOrRenew()).toBe(true);

    running.push(await startTestOperator(appsNs, {}, { client: asOperator }));
    await admin.create(
      deploymentCrPath(appsNs),
      sampleDeployment("least-privilege", { regions: [{ name: "eu-1" }] }),
    );
    await eventually("least-privilege Ready", async () => {
      const cr = await admin.get<SlipwayDeployment>(deploymentCrPath(appsNs, "least-privilege"));
      return cr.status?.phase === "Ready" ? cr : undefined;
    });

    const secrets = await asOperator
      .get(`/api/v1/namespaces/${appsNs}/secrets`)
      .catch((e: unknown) => e);
    expect((secrets as KubeApiError).status).toBe(403);
  });

  it("with watchNamespace, grants the apps namespace only (a Role, no ClusterRole)", async () => {
    const operatorNs = await freshNamespace(admin, "operator");
    const appsNs = await freshNamespace(admin, "apps");
    const manifests = await install(`w-${operatorNs}`, operatorNs, {
      "operator.watchNamespace": appsNs,
    });
    expect(manifests.some((m) => m.kind.startsWith("Cluster") && m.kind !== "ClusterRole")).toBe(
      false,
    );
    expect(manifests.some((m) => m.kind === "ClusterRole")).toBe(false);
    const asOperator = impersonate(operatorNs, `w-${operatorNs}-operator`);

    running.push(
      await startTestOperator(appsNs, { watchNamespace: appsNs }, { client: asOperator }),
    );
    await admin.create(
      deploymentCrPath(appsNs),
      sampleDeployment("scoped", { regions: [{ name: "eu-1" }] }),
    );
    await eventually("scoped Ready", async () => {
      const cr = await admin.get<SlipwayDeployment>(deploymentCrPath(appsNs, "scoped"));
      return cr.status?.phase === "Ready" ? cr : undefined;
    });

    const elsewhere = await asOperator
      .get(`/apis/apps/v1/namespaces/${operatorNs}/deployments`)
      .catch((e: unknown) => e);
    expect((elsewhere as KubeApiError).status).toBe(403);
  });
});

interface PodSpec {
  serviceAccountName: string;
  securityContext: Record<string, unknown>;
  containers: {
    image: string;
    securityContext: Record<string, unknown>;
    resources: { limits: Record<string, string> };
    readinessProbe: { httpGet: Record<string, unknown> };
    ports: Record<string, unknown>[];
    env: { name: string; value?: string; valueFrom?: unknown }[];
  }[];
}
