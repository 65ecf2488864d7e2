import { BUILDKIT_VERSION, makeBuildkitdToml } from "@slipway/builder";
import { deploymentCrPath } from "@slipway/shared";
import { type KubeApiError, KubeClient, loadKubeConnection } from "@slipway/shared/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshNamespace, sampleDeployment, testClient } from "../helpers.js";
import { ensureHelm } from "./helm.js";
import { applyAll, envOf, find, type Manifest, render } from "./platform-install.js";

const admin = testClient();
const clients: KubeClient[] = [];
let helm: string;

/** What a platform install needs besides the defaults: a Secret to reference and a registry. */
const platform = {
  "controlPlane.enabled": "true",
  "controlPlane.image.tag": "test",
  "controlPlane.existingSecret": "slipway-secrets",
  "builder.registry": "registry.example.com:5000",
};
const SECRET_VARIABLES = [
  "DATABASE_URL",
  "REDIS_URL",
  "SLIPWAY_ENCRYPTION_KEYS",
  "GITHUB_WEBHOOK_SECRET",
  "GITHUB_APP_ID",
  "GITHUB_PRIVATE_KEY",
];

async function install(values: Record<string, string> = {}) {
  const ns = await freshNamespace(admin, "platform");
  const apps = `${ns}-apps`;
  const release = `p-${ns.slice(-5)}`;
  const { text, manifests } = await render(helm, release, ns, {
    ...platform,
    "apps.namespace": apps,
    ...values,
  });
  await applyAll(admin, manifests);
  return { ns, apps, release, text, manifests };
}

function impersonate(namespace: string, serviceAccount: string): KubeClient {
  const client = new KubeClient(
    {
      ...loadKubeConnection(process.env),
      impersonate: `system:serviceaccount:${namespace}:${serviceAccount}`,
    },
    undefined,
    undefined,
    // The deploy step's field manager (control-plane/src/deploy/object-names.ts).
    "slipway-control-plane",
  );
  clients.push(client);
  return client;
}

async function statusOf(call: Promise<unknown>): Promise<number> {
  return call.then(
    () => 200,
    (error: KubeApiError) => error.status,
  );
}

const renderError = (values: Record<string, string>) =>
  render(helm, "r", "slipway-system", values).then(
    () => "rendered",
    (error: Error) => error.message,
  );

beforeAll(async () => {
  helm = await ensureHelm();
}, 30 * 60_000);

afterAll(() => {
  for (const client of clients) client.close();
});

describe("charts/slipway platform", () => {
  it("installs the API, its workers, a builder and buildkitd; secrets only by reference", async () => {
    const { ns, apps, release, manifests } = await install();
    const names = manifests.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        `Namespace/${apps}`,
        `Deployment/${release}-api`,
        `Service/${release}-api`,
        `PodDisruptionBudget/${release}-api`,
        `Deployment/${release}-worker`,
        `ServiceAccount/${release}-worker`,
        `Role/${release}-worker`,
        `Deployment/${release}-builder`,
        `StatefulSet/${release}-buildkitd`,
        `Service/${release}-buildkitd`,
        `NetworkPolicy/${release}-buildkitd`,
        `Job/${release}-migrate`,
      ]),
    );
    expect(names.some((name) => name.startsWith("Ingress/"))).toBe(false);
    // The apps namespace outlives `helm uninstall`: it holds every running app.
    const namespace = await admin.get<Manifest>(`/api/v1/namespaces/${apps}`);
    expect(namespace.metadata.annotations?.["helm.sh/resource-policy"]).toBe("keep");

    const api = find(manifests, "Deployment", `${release}-api`);
    const pod = api.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    const [container] = pod.containers;
    expect(container.image).toBe("ghcr.io/slipway-dev/control-plane:test");
    expect(container.command).toEqual([
      "node",
      "--enable-source-maps",
      "control-plane/bundle/bin/server.mjs",
    ]);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/v2/liveness", port: "http" });
    expect(container.resources.limits.memory).toBeDefined();
    const service = find(manifests, "Service", `${release}-api`);
    expect(service.spec.ports).toEqual([
      { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
    ]);

    const apiEnv = envOf(api);
    expect(apiEnv.HOST!.value).toBe("0.0.0.0");
    expect(apiEnv.SLIPWAY_WORKER_QUEUES!.value).toBe("github");
    expect(apiEnv.SLIPWAY_APPS_NAMESPACE!.value).toBe(apps);
    expect(apiEnv.DATABASE_URL!.valueFrom).toEqual({
      secretKeyRef: { name: "slipway-secrets", key: "DATABASE_URL" },
    });
    expect(apiEnv.GITHUB_PRIVATE_KEY!.valueFrom).toEqual({
      secretKeyRef: { name: "slipway-secrets", key: "GITHUB_PRIVATE_KEY", optional: true },
    });
    // Every process that gets a secret gets it from the Secret, never as a value.
    const pods = manifests.filter(
      (m) => ["Deployment", "Job"].includes(m.kind) && m.metadata.name !== `${release}-operator`,
    );
    expect(pods).toHaveLength(4);
    for (const workload of pods) {
      const env = envOf(workload);
      for (const variable of SECRET_VARIABLES.filter((v) => env[v])) {
        expect(env[variable]!.value, `${workload.metadata.name} ${variable}`).toBeUndefined();
        expect(env[variable]!.valueFrom?.secretKeyRef?.name).toBe("slipway-secrets");
      }
      expect(env.DATABASE_URL, workload.metadata.name).toBeDefined();
    }

    const worker = find(manifests, "Deployment", `${release}-worker`);
    expect(worker.spec.template.spec.serviceAccountName).toBe(`${release}-worker`);
    expect(envOf(worker).SLIPWAY_WORKER_QUEUES!.value).toBe("github,deployments");

    const builder = find(manifests, "Deployment", `${release}-builder`);
    expect(builder.spec.template.spec.automountServiceAccountToken).toBe(false);
    const builderEnv = envOf(builder);
    expect(builderEnv.SLIPWAY_WORKER_QUEUES!.value).toBe("builds");
    expect(builderEnv.SLIPWAY_BUILDKIT_ADDR!.value).toBe(
      `tcp://${release}-buildkitd.${ns}.svc:1234`,
    );
    expect(builderEnv.SLIPWAY_REGISTRY!.value).toBe("registry.example.com:5000");
    expect(builderEnv.SLIPWAY_REGISTRY_PREFIX!.value).toBe("slipway");
    expect(builderEnv.SLIPWAY_REGISTRY_DOCKER_CONFIG).toBeUndefined();
    // Pods without a token boot without a deploy target (deploy-target.ts checks the token).
    for (const tokenless of [apiEnv, builderEnv]) {
      expect(tokenless.KUBERNETES_SERVICE_HOST).toBeUndefined();
    }

    const buildkitd = find(manifests, "StatefulSet", `${release}-buildkitd`);
    expect(buildkitd.spec.serviceName).toBe(`${release}-buildkitd`);
    const [daemon] = buildkitd.spec.template.spec.containers;
    expect(daemon.image).toBe(`moby/buildkit:${BUILDKIT_VERSION}`);
    expect(daemon.securityContext).toEqual({ privileged: true });
    expect(daemon.ports).toEqual([{ name: "buildkitd", containerPort: 1234, protocol: "TCP" }]);
    expect(buildkitd.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("50Gi");
    const headless = find(manifests, "Service", `${release}-buildkitd`);
    expect(headless.spec.clusterIP).toBe("None");
    expect(headless.spec.ports[0].port).toBe(1234);
  });

  it("lets the worker do the deploy step in the apps namespace and nothing else", async () => {
    const { ns, apps, release } = await install();
    const asWorker = impersonate(ns, `${release}-worker`);
    const envSecret = (ownerUid?: string) => ({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "dep-chart-env",
        namespace: apps,
        ...(ownerUid && {
          ownerReferences: [
            {
              apiVersion: "slipway.dev/v1alpha1",
              kind: "Deployment",
              name: "dep-chart",
              uid: ownerUid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        }),
      },
      type: "Opaque",
      stringData: { DATABASE_URL: "postgres://app" },
    });
    // The calls of control-plane/src/deploy/run-deploy-job.ts, in its order.
    expect(await asWorker.find(`/api/v1/namespaces/${apps}`)).toBeDefined();
    await asWorker.apply(`/api/v1/namespaces/${apps}/secrets/dep-chart-env`, envSecret());
    const cr = await asWorker.apply<Manifest>(deploymentCrPath(apps, "dep-chart"), {
      ...sampleDeployment("dep-chart"),
      metadata: { name: "dep-chart", namespace: apps },
    });
    await asWorker.apply(
      `/api/v1/namespaces/${apps}/secrets/dep-chart-env`,
      envSecret(cr.metadata.uid),
    );
    expect(await asWorker.find(deploymentCrPath(apps, "dep-chart"))).toBeDefined();
    expect(await statusOf(asWorker.get(`${deploymentCrPath(apps, "dep-chart")}/status`))).toBe(200);
    const idle = sampleDeployment("dep-chart", { desiredState: "idle" });
    await asWorker.apply(deploymentCrPath(apps, "dep-chart"), {
      ...idle,
      metadata: { name: "dep-chart", namespace: apps },
    });
    await asWorker.remove(deploymentCrPath(apps, "dep-chart"));

    // Reading Secrets back: not here, not in kube-system, not in its own namespace.
    const forbidden = [
      asWorker.get(`/api/v1/namespaces/${apps}/secrets/dep-chart-env`),
      asWorker.get(`/api/v1/namespaces/${apps}/secrets`),
      asWorker.get("/api/v1/namespaces/kube-system/secrets"),
      asWorker.get(`/api/v1/namespaces/${ns}/secrets`),
      asWorker.create(`/api/v1/namespaces/${ns}/secrets`, {
        ...envSecret(),
        metadata: { name: "x" },
      }),
      asWorker.create(deploymentCrPath(ns), sampleDeployment("elsewhere")),
      asWorker.create("/api/v1/namespaces", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: `${ns}-x` },
      }),
      asWorker.get("/api/v1/namespaces/kube-system"),
    ];
    expect(await Promise.all(forbidden.map(statusOf))).toEqual(forbidden.map(() => 403));
  });

  it("with apps.createNamespace=false, uses the namespace that exists and cannot create one", async () => {
    const existing = await freshNamespace(admin, "given-apps");
    const { ns, release, manifests } = await install({
      "apps.namespace": existing,
      "apps.createNamespace": "false",
    });
    expect(manifests.some((m) => m.kind === "Namespace")).toBe(false);
    const asWorker = impersonate(ns, `${release}-worker`);
    expect(await asWorker.find(`/api/v1/namespaces/${existing}`)).toBeDefined();
    await asWorker.apply(deploymentCrPath(existing, "dep-given"), {
      ...sampleDeployment("dep-given"),
      metadata: { name: "dep-given", namespace: existing },
    });
    const create = asWorker.create("/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: `${ns}-y` },
    });
    expect(await statusOf(create)).toBe(403);
  });

  it("serves the API through an Ingress when asked, on the host and TLS Secret given", async () => {
    expect(
      await renderError({ ...platform, "controlPlane.api.ingress.enabled": "true" }),
    ).toContain("controlPlane.api.ingress.host is required");
    const { release, manifests } = await install({
      "controlPlane.api.ingress.enabled": "true",
      "controlPlane.api.ingress.host": "slipway.example.com",
      "controlPlane.api.ingress.tlsSecretName": "slipway-tls",
    });
    const ingress = find(manifests, "Ingress", `${release}-api`);
    expect(ingress.spec.tls).toEqual([
      { hosts: ["slipway.example.com"], secretName: "slipway-tls" },
    ]);
    expect(ingress.spec.rules[0].host).toBe("slipway.example.com");
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({
      name: `${release}-api`,
      port: { name: "http" },
    });
  });

  it("runs buildkitd rootless when asked: BuildKit's rootless image and settings, not privileged", async () => {
    const { release, manifests } = await install({ "buildkit.rootless": "true" });
    const buildkitd = find(manifests, "StatefulSet", `${release}-buildkitd`);
    const [daemon] = buildkitd.spec.template.spec.containers;
    expect(daemon.image).toBe(`moby/buildkit:${BUILDKIT_VERSION}-rootless`);
    expect(daemon.securityContext.privileged).toBeUndefined();
    expect(daemon.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: "Unconfined" },
      appArmorProfile: { type: "Unconfined" },
    });
    expect(daemon.args).toContain("--oci-worker-no-process-sandbox");
    expect(daemon.volumeMounts).toContainEqual({
      name: "state",
      mountPath: "/home/user/.local/share/buildkit",
    });
  });

  it("hands the builder push credentials from a dockerconfigjson Secret as config.json", async () => {
    const { release, manifests } = await install({
      "builder.registryCredentialsSecret": "registry-push",
    });
    const builder = find(manifests, "Deployment", `${release}-builder`);
    const dir = envOf(builder).SLIPWAY_REGISTRY_DOCKER_CONFIG!.value!;
    const pod = builder.spec.template.spec;
    const mount = pod.containers[0].volumeMounts.find(
      (m: { mountPath: string }) => m.mountPath === dir,
    );
    expect(mount).toMatchObject({ readOnly: true });
    const volume = pod.volumes.find((v: { name: string }) => v.name === mount.name);
    expect(volume.secret).toMatchObject({
      secretName: "registry-push",
      items: [{ key: ".dockerconfigjson", path: "config.json" }],
    });
  });

  it("renders buildkitd.toml exactly as the builder's makeBuildkitdToml does", async () => {
    const { manifests } = await render(helm, "toml", "slipway-system", {
      ...platform,
      "buildkit.plainHttpRegistries[0]": "registry.internal:5000",
      "buildkit.gcKeepStorageMb": "5000",
    });
    const configMap = find(manifests, "ConfigMap", "toml-buildkitd");
    expect(configMap.data["buildkitd.toml"]).toBe(
      makeBuildkitdToml({
        root: "/var/lib/buildkit",
        addresses: ["unix:///run/buildkit/buildkitd.sock", "tcp://0.0.0.0:1234"],
        snapshotter: "overlayfs",
        plainHttpRegistries: ["registry.internal:5000"],
        gcKeepStorageMb: 5000,
        maxParallelism: 4,
      }),
    );
  });

  it("without the builder, installs no buildkitd and needs no registry", async () => {
    const { release, manifests } = await install({
      "builder.enabled": "false",
      "builder.registry": "",
    });
    expect(manifests.some((m) => m.kind === "StatefulSet")).toBe(false);
    expect(manifests.some((m) => m.metadata.name === `${release}-builder`)).toBe(false);
    expect(manifests.some((m) => m.metadata.name === `${release}-worker`)).toBe(true);
  });

  it("refuses to render without the values it cannot guess, saying which", async () => {
    const { "controlPlane.existingSecret": _, ...noSecret } = platform;
    expect(await renderError(noSecret)).toContain(
      "controlPlane.existingSecret (or controlPlane.secrets.DATABASE_URL.name) is required",
    );
    expect(await renderError({ ...platform, "builder.registry": "" })).toContain(
      "builder.registry is required",
    );
    expect(
      await renderError({
        ...platform,
        "controlPlane.env.DATABASE_URL": "postgres://user:pw@db/slipway",
      }),
    ).toContain("controlPlane.env.DATABASE_URL: secrets go in controlPlane.secrets");
    // One Secret per variable works too, without existingSecret.
    const perVariable = await render(helm, "r", "slipway-system", {
      ...noSecret,
      "controlPlane.secrets.DATABASE_URL.name": "db",
      "controlPlane.secrets.REDIS_URL.name": "redis",
      "controlPlane.secrets.SLIPWAY_ENCRYPTION_KEYS.name": "keys",
    });
    const env = envOf(find(perVariable.manifests, "Deployment", "r-api"));
    expect(env.REDIS_URL!.valueFrom?.secretKeyRef?.name).toBe("redis");
    expect(env.GITHUB_APP_ID).toBeUndefined();
  });
});
