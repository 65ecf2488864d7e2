import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { freshNamespace, testClient } from "../helpers.js";
import { CHART_DIR, ensureHelm, helmRun } from "./helm.js";
import { applyAll, envOf, find, type Manifest, podSpecOf, render } from "./platform-install.js";

const admin = testClient();
let helm: string;

const bundled = {
  "controlPlane.enabled": "true",
  "controlPlane.existingSecret": "slipway-secrets",
  "builder.registry": "registry.example.com:5000",
  "image.registry": "registry.local:5000/slipway",
  "image.tag": "abc123",
  "bundled.postgresql.enabled": "true",
  "bundled.redis.enabled": "true",
};

/** `helm template --dry-run=server`: lookup reads the testbed's apiserver, as `helm upgrade` does. */
async function renderAgainstCluster(release: string, namespace: string) {
  const result = await helmRun(
    helm,
    ["template", release, CHART_DIR, "--namespace", namespace, "--dry-run=server"],
    bundled,
  );
  if (result.code !== 0) throw new Error(result.output);
  return parseAllDocuments(result.output)
    .map((doc) => doc.toJSON() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

beforeAll(async () => {
  helm = await ensureHelm();
}, 30 * 60_000);

afterAll(() => admin.close());

describe("charts/slipway bundled PostgreSQL and Redis (trials)", () => {
  it("runs each as a non-root StatefulSet with a volume, a Service and probes; Slipway reads the generated Secret", async () => {
    const ns = await freshNamespace(admin, "bundled");
    const release = `b-${ns.slice(-5)}`;
    const { manifests } = await render(helm, release, ns, {
      ...bundled,
      "apps.namespace": `${ns}-apps`,
    });
    await applyAll(admin, manifests);
    const stores = [
      ["postgresql", 5432, ["pg_isready", "-h", "127.0.0.1", "-U", "slipway", "-d", "slipway"]],
      ["redis", 6379, ["redis-cli", "ping"]],
    ] as const;
    for (const [store, port, probe] of stores) {
      const statefulSet = find(manifests, "StatefulSet", `${release}-${store}`);
      const pod = podSpecOf(statefulSet);
      const [container] = pod.containers;
      expect(container.image).toBe(`registry.local:5000/slipway/slipway-${store}:abc123`);
      expect(container.readinessProbe.exec.command).toEqual(probe);
      expect(container.livenessProbe.exec.command).toEqual(probe);
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(statefulSet.spec.volumeClaimTemplates[0].metadata.name).toBe("data");
      const service = find(manifests, "Service", `${release}-${store}`);
      expect(service.spec.ports[0].port).toBe(port);
      expect(service.spec.selector).toEqual(statefulSet.spec.selector.matchLabels);
    }
    // The Redis password reaches redis-cli through REDISCLI_AUTH, never a probe's argv.
    const redis = podSpecOf(find(manifests, "StatefulSet", `${release}-redis`)).containers[0];
    expect(redis.env.find((e: { name: string }) => e.name === "REDISCLI_AUTH").valueFrom).toEqual({
      secretKeyRef: { name: `${release}-bundled`, key: "REDIS_PASSWORD" },
    });

    const secret = find(manifests, "Secret", `${release}-bundled`);
    expect(secret.metadata.annotations?.["helm.sh/resource-policy"]).toBe("keep");
    const password = secret.stringData.POSTGRES_PASSWORD as string;
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(secret.stringData.DATABASE_URL).toBe(
      `postgres://slipway:${password}@${release}-postgresql.${ns}.svc:5432/slipway`,
    );
    expect(secret.stringData.REDIS_URL).toMatch(
      new RegExp(`^redis://:[A-Za-z0-9]{32}@${release}-redis\\.${ns}\\.svc:6379$`),
    );

    // Every Slipway process reads the URLs from that Secret; the keys stay the user's.
    for (const name of ["api", "worker", "builder", "sentinel-eu-1"]) {
      const env = envOf(find(manifests, "Deployment", `${release}-${name}`));
      for (const variable of ["DATABASE_URL", "REDIS_URL"]) {
        expect(env[variable]!.valueFrom, `${name} ${variable}`).toEqual({
          secretKeyRef: { name: `${release}-bundled`, key: variable },
        });
      }
      if (name !== "sentinel-eu-1") {
        expect(env.SLIPWAY_ENCRYPTION_KEYS!.valueFrom?.secretKeyRef?.name).toBe("slipway-secrets");
      }
    }
    // A pre-install hook would run before the database exists: migrations run in the pods.
    expect(manifests.some((m) => m.kind === "Job")).toBe(false);
    for (const name of ["api", "worker", "builder"]) {
      const [init] = podSpecOf(find(manifests, "Deployment", `${release}-${name}`)).initContainers;
      expect(init.command).toEqual([
        "node",
        "--enable-source-maps",
        "control-plane/bundle/bin/migrate-cli.mjs",
      ]);
      expect(init.env[0].valueFrom.secretKeyRef).toEqual({
        name: `${release}-bundled`,
        key: "DATABASE_URL",
      });
    }
  });

  it("generates the passwords once: an upgrade's render reads them back from the cluster", async () => {
    const ns = await freshNamespace(admin, "bundled");
    const first = await renderAgainstCluster("keep", ns);
    const secret = find(first, "Secret", "keep-bundled");
    await admin.apply(`/api/v1/namespaces/${ns}/secrets/keep-bundled`, {
      ...secret,
      metadata: { ...secret.metadata, namespace: ns },
    });
    const again = find(await renderAgainstCluster("keep", ns), "Secret", "keep-bundled");
    expect(again.stringData).toEqual(secret.stringData);
    // Another install gets its own.
    const other = await freshNamespace(admin, "bundled");
    const elsewhere = find(await renderAgainstCluster("keep", other), "Secret", "keep-bundled");
    expect(elsewhere.stringData.POSTGRES_PASSWORD).not.toBe(secret.stringData.POSTGRES_PASSWORD);
  });

  it("`helm uninstall` keeps the CRD, the apps namespace and the bundled Secret", async () => {
    const ns = await freshNamespace(admin, "uninstall");
    const apps = `${ns}-apps`;
    const release = `u-${ns.slice(-5)}`;
    const values = { ...bundled, "apps.namespace": apps };
    const install = await helmRun(helm, ["install", release, CHART_DIR, "--namespace", ns], values);
    expect(install.output).toContain("STATUS: deployed");
    expect(
      await admin.find(`/apis/apps/v1/namespaces/${ns}/deployments/${release}-api`),
    ).toBeDefined();

    const uninstall = await helmRun(helm, ["uninstall", release, "--namespace", ns]);
    expect(uninstall.code, uninstall.output).toBe(0);
    expect(uninstall.output).toContain("These resources were kept due to the resource policy");
    expect(
      await admin.find(`/apis/apps/v1/namespaces/${ns}/deployments/${release}-api`),
    ).toBeUndefined();
    const namespace = await admin.find<Manifest & { status: { phase: string } }>(
      `/api/v1/namespaces/${apps}`,
    );
    expect(namespace?.status.phase).toBe("Active");
    expect(await admin.find(`/api/v1/namespaces/${ns}/secrets/${release}-bundled`)).toBeDefined();
    expect(
      await admin.find(
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/deployments.slipway.dev",
      ),
    ).toBeDefined();

    // Asked to, the namespace is an ordinary release object.
    const { manifests } = await render(helm, release, ns, {
      ...values,
      "apps.deleteOnUninstall": "true",
    });
    expect(find(manifests, "Namespace", apps).metadata.annotations).toBeUndefined();
  });
});
