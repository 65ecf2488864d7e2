import { type KubeApiError, KubeClient, loadKubeConnection } from "@slipway/shared/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshNamespace, testClient } from "../helpers.js";
import { ensureHelm } from "./helm.js";
import { applyAll, envOf, find, type Manifest, render } from "./platform-install.js";

const admin = testClient();
const clients: KubeClient[] = [];
let helm: string;

const platform = {
  "controlPlane.enabled": "true",
  "controlPlane.existingSecret": "slipway-secrets",
  "builder.registry": "registry.example.com:5000",
  "image.registry": "registry.local:5000/slipway",
  "image.tag": "abc123",
};

async function install(values: Record<string, string> = {}) {
  const ns = await freshNamespace(admin, "sentinel");
  const apps = `${ns}-apps`;
  const release = `s-${ns.slice(-5)}`;
  const { manifests } = await render(helm, release, ns, {
    ...platform,
    "apps.namespace": apps,
    ...values,
  });
  await applyAll(admin, manifests);
  return { ns, apps, release, manifests };
}

function impersonate(namespace: string, serviceAccount: string): KubeClient {
  const client = new KubeClient({
    ...loadKubeConnection(process.env),
    impersonate: `system:serviceaccount:${namespace}:${serviceAccount}`,
  });
  clients.push(client);
  return client;
}

const statusOf = (call: Promise<unknown>): Promise<number> =>
  call.then(
    () => 200,
    (error: KubeApiError) => error.status,
  );

interface ResourceRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
}

/** What the apiserver says the caller may do in a namespace, minus every user's self-reviews. */
async function rulesIn(client: KubeClient, namespace: string): Promise<ResourceRule[]> {
  const review = await client.create<{ status: { resourceRules: ResourceRule[] } }>(
    "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
    {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectRulesReview",
      spec: { namespace },
    },
  );
  // Every authenticated user may ask who it is and what it may do (system:basic-user).
  return review.status.resourceRules.filter(
    (rule) => !(rule.resources ?? []).every((resource) => resource.startsWith("selfsubject")),
  );
}

beforeAll(async () => {
  helm = await ensureHelm();
}, 30 * 60_000);

afterAll(() => {
  for (const client of clients) client.close();
});

describe("charts/slipway Sentinel", () => {
  it("runs a Sentinel per region: its region, probes, drain, PDB, Service, the API's Secret", async () => {
    const { ns, apps, release, manifests } = await install({
      "sentinel.regions[0].name": "eu-1",
      "sentinel.regions[0].proximity[0]": "us-1",
      "sentinel.regions[1].name": "us-1",
      "sentinel.regions[1].replicas": "3",
      "sentinel.regions[1].service.type": "LoadBalancer",
      "sentinel.regions[1].service.externalTrafficPolicy": "Local",
      "sentinel.regions[1].nodeSelector.slipway\\.dev/pool": "edge",
    });
    for (const region of ["eu-1", "us-1"]) {
      const name = `${release}-sentinel-${region}`;
      const sentinel = find(manifests, "Deployment", name);
      // Upgrades surge a ready pod before draining one.
      expect(sentinel.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
      const pod = sentinel.spec.template.spec;
      expect(pod.serviceAccountName).toBe(`${release}-sentinel`);
      expect(pod.automountServiceAccountToken).toBe(true);
      const [container] = pod.containers;
      expect(container.image).toBe("registry.local:5000/slipway/sentinel:abc123");
      expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "admin" });
      expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "admin" });
      expect(container.ports).toEqual([
        { name: "http", containerPort: 8080, protocol: "TCP" },
        { name: "admin", containerPort: 9090, protocol: "TCP" },
      ]);
      expect(container.lifecycle.preStop.exec.command).toEqual(["sleep", "5"]);
      // preStop 5 s + drain 25 s + the process's own 5 s backstop fit in the grace period.
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(35);
      expect(sentinel.spec.template.metadata.annotations["prometheus.io/port"]).toBe("9090");

      const env = envOf(sentinel);
      expect(env.SLIPWAY_REGION!.value).toBe(region);
      expect(env.SENTINEL_IN_CLUSTER!.value).toBe("true");
      expect(env.SLIPWAY_APPS_NAMESPACE!.value).toBe(apps);
      expect(env.SENTINEL_DRAIN_TIMEOUT_MS!.value).toBe("25000");
      expect(env.DATABASE_URL!.valueFrom).toEqual({
        secretKeyRef: { name: "slipway-secrets", key: "DATABASE_URL" },
      });
      expect(env.REDIS_URL!.valueFrom).toEqual({
        secretKeyRef: { name: "slipway-secrets", key: "REDIS_URL" },
      });
      expect(env.SENTINEL_CONTROL_PLANE_URL!.value).toBe(`http://${release}-api.${ns}.svc:80`);

      const pdb = find(manifests, "PodDisruptionBudget", name);
      expect(pdb.spec.maxUnavailable).toBe(1);
      expect(pdb.spec.selector.matchLabels).toEqual(sentinel.spec.selector.matchLabels);
      const service = find(manifests, "Service", name);
      expect(service.spec.selector).toEqual(sentinel.spec.selector.matchLabels);
      expect(service.spec.ports).toEqual([
        { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
      ]);
    }
    const eu = find(manifests, "Deployment", `${release}-sentinel-eu-1`);
    const us = find(manifests, "Deployment", `${release}-sentinel-us-1`);
    expect(envOf(eu).SLIPWAY_REGION_PROXIMITY!.value).toBe("us-1");
    expect([eu.spec.replicas, us.spec.replicas]).toEqual([2, 3]);
    // Each region's Sentinel runs on that region's nodes, with the node selector given.
    expect(eu.spec.template.spec.nodeSelector).toEqual({ "topology.kubernetes.io/region": "eu-1" });
    expect(us.spec.template.spec.nodeSelector).toEqual({
      "topology.kubernetes.io/region": "us-1",
      "slipway.dev/pool": "edge",
    });
    // Two regions' pods never share a selector (each Service reaches its own region only).
    expect(eu.spec.selector.matchLabels).not.toEqual(us.spec.selector.matchLabels);
    const usService = find(manifests, "Service", `${release}-sentinel-us-1`);
    expect(usService.spec).toMatchObject({ type: "LoadBalancer", externalTrafficPolicy: "Local" });
    expect(find(manifests, "Service", `${release}-sentinel-eu-1`).spec.type).toBe("ClusterIP");
    // The wake token: one Secret key, the API's SLIPWAY_SENTINEL_TOKEN and Sentinel's.
    const apiToken = envOf(find(manifests, "Deployment", `${release}-api`)).SLIPWAY_SENTINEL_TOKEN;
    expect(apiToken!.valueFrom).toEqual({
      secretKeyRef: { name: "slipway-secrets", key: "SLIPWAY_SENTINEL_TOKEN" },
    });
    expect(envOf(eu).SENTINEL_CONTROL_PLANE_TOKEN!.valueFrom).toEqual(apiToken!.valueFrom);
    // The workers never get it.
    expect(
      envOf(find(manifests, "Deployment", `${release}-worker`)).SLIPWAY_SENTINEL_TOKEN,
    ).toBeUndefined();
    // The operator admits Sentinel's namespace (the release's) to app pods.
    const operator = find(manifests, "Deployment", `${release}-operator`);
    expect(envOf(operator).SLIPWAY_SENTINEL_NAMESPACE!.value).toBe(ns);
  });

  it("lets Sentinel's ServiceAccount read EndpointSlices in the apps namespace, and nothing else", async () => {
    const { ns, apps, release } = await install();
    const asSentinel = impersonate(ns, `${release}-sentinel`);
    // EndpointSliceInstanceSource's list with SLIPWAY_APPS_NAMESPACE (its watch: the rules below).
    const slices = `/apis/discovery.k8s.io/v1/namespaces/${apps}/endpointslices`;
    expect(await statusOf(asSentinel.get(`${slices}?labelSelector=slipway.dev%2Fdeployment`))).toBe(
      200,
    );

    expect(await rulesIn(asSentinel, apps)).toEqual([
      {
        apiGroups: ["discovery.k8s.io"],
        resources: ["endpointslices"],
        verbs: ["get", "list", "watch"],
      },
    ]);
    for (const elsewhere of [ns, "kube-system", "default"]) {
      expect(await rulesIn(asSentinel, elsewhere), elsewhere).toEqual([]);
    }
    const forbidden = [
      asSentinel.get("/apis/discovery.k8s.io/v1/endpointslices"),
      asSentinel.get(`/api/v1/namespaces/${apps}/secrets`),
      asSentinel.get(`/api/v1/namespaces/${apps}/pods`),
      asSentinel.get(`/apis/slipway.dev/v1alpha1/namespaces/${apps}/deployments`),
      asSentinel.create(slices, {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: { name: "forged" },
        addressType: "IPv4",
        endpoints: [],
      }),
    ];
    expect(await Promise.all(forbidden.map(statusOf))).toEqual(forbidden.map(() => 403));
  });

  it("without wake, needs no token; with sentinel.enabled=false, installs no Sentinel", async () => {
    const { "controlPlane.existingSecret": _, ...noSecret } = platform;
    const perVariable = {
      ...noSecret,
      "controlPlane.secrets.DATABASE_URL.name": "db",
      "controlPlane.secrets.REDIS_URL.name": "redis",
      "controlPlane.secrets.SLIPWAY_ENCRYPTION_KEYS.name": "keys",
    };
    await expect(render(helm, "w", "slipway-system", perVariable)).rejects.toThrow(
      /controlPlane\.secrets\.SLIPWAY_SENTINEL_TOKEN\.name\) is required/,
    );
    const noWake = await render(helm, "w", "slipway-system", {
      ...perVariable,
      "sentinel.wake.enabled": "false",
    });
    const env = envOf(find(noWake.manifests, "Deployment", "w-sentinel-eu-1"));
    expect(env.DATABASE_URL!.valueFrom?.secretKeyRef?.name).toBe("db");
    expect(env.SENTINEL_CONTROL_PLANE_URL).toBeUndefined();
    expect(env.SENTINEL_CONTROL_PLANE_TOKEN).toBeUndefined();

    const off = await render(helm, "o", "slipway-system", {
      ...platform,
      "sentinel.enabled": "false",
    });
    const names = off.manifests.map((m: Manifest) => `${m.kind}/${m.metadata.name}`);
    expect(names.filter((name) => name.includes("sentinel"))).toEqual([]);
    expect(names).toContain("Deployment/o-api");
  });
});
