import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshNamespace, testClient } from "../helpers.js";
import { ensureHelm } from "./helm.js";
import { applyAll, type Manifest, podManifests, podSpecOf, render } from "./platform-install.js";

const admin = testClient();
let helm: string;

const platform = {
  "controlPlane.enabled": "true",
  "controlPlane.existingSecret": "slipway-secrets",
  "builder.registry": "registry.example.com:5000",
};

/** Every configuration whose pods differ: each must be hardened the same way. */
const configurations: Record<string, Record<string, string>> = {
  "operator only": {},
  platform,
  "bundled stores, migrations as init containers": {
    ...platform,
    "bundled.postgresql.enabled": "true",
    "bundled.redis.enabled": "true",
  },
  "two regions, rootless BuildKit": {
    ...platform,
    "sentinel.regions[0].name": "eu-1",
    "sentinel.regions[1].name": "us-1",
    "buildkit.rootless": "true",
  },
};

/** Pods that talk to the apiserver, and so the only ones with a token. */
const TOKEN_HOLDER = /^lp-(operator|worker|sentinel-[a-z0-9-]+)$/;

interface Container {
  name: string;
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
}

/** What is wrong with one pod's hardening, as readable lines (empty: nothing). */
function hardeningProblems(manifest: Manifest): string[] {
  const pod = podSpecOf(manifest);
  const where = `${manifest.kind}/${manifest.metadata.name}`;
  const problems: string[] = [];
  if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot`);
  if (pod.securityContext?.runAsUser === 0) problems.push(`${where}: runAsUser 0`);
  if (pod.securityContext?.seccompProfile?.type !== "RuntimeDefault") {
    problems.push(`${where}: seccompProfile RuntimeDefault`);
  }
  const holdsToken = TOKEN_HOLDER.test(manifest.metadata.name);
  if (pod.automountServiceAccountToken !== holdsToken) {
    problems.push(`${where}: automountServiceAccountToken ${pod.automountServiceAccountToken}`);
  }
  const containers: Container[] = [...(pod.initContainers ?? []), ...pod.containers];
  for (const container of containers) {
    const context = container.securityContext ?? {};
    const at = `${where} container ${container.name}`;
    if (context.allowPrivilegeEscalation !== false) problems.push(`${at}: privilege escalation`);
    if (context.privileged === true) problems.push(`${at}: privileged`);
    if (context.readOnlyRootFilesystem !== true) problems.push(`${at}: writable root filesystem`);
    if (!context.capabilities?.drop?.includes("ALL")) problems.push(`${at}: capabilities kept`);
    // Long-running processes get a writable /tmp, and it is an emptyDir.
    if (manifest.kind !== "Pod") {
      const tmp = container.volumeMounts?.find((mount) => mount.mountPath === "/tmp");
      const volume = pod.volumes?.find((v: { name: string }) => v.name === tmp?.name);
      if (!volume?.emptyDir) problems.push(`${at}: /tmp is not an emptyDir`);
    }
  }
  return problems;
}

beforeAll(async () => {
  helm = await ensureHelm();
}, 30 * 60_000);

afterAll(() => admin.close());

describe("charts/slipway least privilege", () => {
  it.each(Object.entries(configurations))(
    "runs every pod of %s non-root, without escalation or capabilities, read-only (buildkitd excepted)",
    async (_name, values) => {
      const { manifests } = await render(helm, "lp", "slipway-system", values);
      const pods = podManifests(manifests);
      const exceptions = pods.filter((m) => m.metadata.name === "lp-buildkitd");
      const checked = pods.filter((m) => !exceptions.includes(m));
      expect(checked.length).toBeGreaterThan(0);
      expect(checked.flatMap(hardeningProblems)).toEqual([]);
      // buildkitd is the one documented exception, and only with the builder.
      expect(exceptions.map((m) => m.kind)).toEqual(
        values["controlPlane.enabled"] ? ["StatefulSet"] : [],
      );
    },
  );

  it("gives the API an identity with no rights: it cannot read a Secret anywhere", async () => {
    const ns = await freshNamespace(admin, "lp");
    const apps = `${ns}-apps`;
    const release = `lp-${ns.slice(-5)}`;
    const { manifests } = await render(helm, release, ns, { ...platform, "apps.namespace": apps });
    await applyAll(admin, manifests);
    const api = manifests.find(
      (m) => m.kind === "Deployment" && m.metadata.name === `${release}-api`,
    );
    expect(podSpecOf(api!).serviceAccountName).toBe(`${release}-api`);
    const user = `system:serviceaccount:${ns}:${release}-api`;
    const allowed = async (attributes: Record<string, string>) => {
      const review = await admin.create<{ status: { allowed: boolean } }>(
        "/apis/authorization.k8s.io/v1/subjectaccessreviews",
        {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SubjectAccessReview",
          spec: {
            user,
            groups: [
              "system:serviceaccounts",
              `system:serviceaccounts:${ns}`,
              "system:authenticated",
            ],
            resourceAttributes: attributes,
          },
        },
      );
      return review.status.allowed;
    };
    const asks: Record<string, string>[] = [
      { verb: "list", resource: "secrets" },
      { verb: "get", resource: "secrets", namespace: ns, name: "slipway-secrets" },
      { verb: "list", resource: "secrets", namespace: apps },
      { verb: "watch", resource: "secrets", namespace: "kube-system" },
      { verb: "create", resource: "deployments", group: "slipway.dev", namespace: apps },
      { verb: "list", resource: "pods", namespace: ns },
    ];
    expect(await Promise.all(asks.map(allowed))).toEqual(asks.map(() => false));
  });
});
