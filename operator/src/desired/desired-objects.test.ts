import type { SlipwayDeployment } from "@slipway/shared";
import { describe, expect, it } from "vitest";
import { type DesiredConfig, makeDesiredObjects, needsApply } from "./desired-objects.js";
import { cpuQuantity, deploymentIdOf, mebibytes } from "./names.js";

const cfg: DesiredConfig = {
  diskMode: "emptyDir",
  runAsNonRoot: true,
  sentinelNamespace: "slipway-system",
};

function deployment(spec: Partial<SlipwayDeployment["spec"]> = {}): SlipwayDeployment {
  return {
    apiVersion: "slipway.dev/v1alpha1",
    kind: "Deployment",
    metadata: { name: "dep-1", namespace: "team-a", uid: "uid-1", generation: 1 },
    spec: {
      image: "registry.example/acme/api@sha256:0123",
      port: 8080,
      vCpus: 0.25,
      memoryMib: 256,
      storageMib: 0,
      shutdownSignal: "SIGTERM",
      workspaceId: "ws_1",
      projectId: "prj_1",
      appId: "app_1",
      environmentId: "env_1",
      environmentSlug: "production",
      git: { commitSha: "abc123", branch: "main", repo: "acme/api", commitMessage: "Fix it" },
      regions: [{ name: "eu-1", replicas: { min: 2, max: 5 } }],
      autoscaling: { targetCpuUtilization: 80 },
      upstreamProtocol: "http1",
      desiredState: "running",
      ...spec,
    },
  };
}

const cases: [string, SlipwayDeployment, DesiredConfig][] = [
  ["running-one-region", deployment(), cfg],
  ["idle", deployment({ desiredState: "idle" }), cfg],
  [
    "empty-git-values",
    deployment({ git: { commitSha: "", branch: "", repo: "", commitMessage: "" } }),
    cfg,
  ],
  [
    "h2c-disk-secret-healthcheck-two-regions",
    deployment({
      upstreamProtocol: "h2c",
      storageMib: 1024,
      vCpus: 1.5,
      memoryMib: 2048,
      command: ["node", "server.js"],
      envSecretRef: { name: "dep-1-env" },
      healthcheck: {
        method: "GET",
        path: "/healthz",
        intervalSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 3,
        initialDelaySeconds: 2,
      },
      regions: [
        { name: "eu-1", replicas: { min: 1, max: 3 } },
        { name: "us-1", replicas: { min: 2, max: 2 } },
      ],
    }),
    cfg,
  ],
  [
    "generic-ephemeral-disk",
    deployment({ storageMib: 512 }),
    { ...cfg, diskMode: "ephemeral", diskStorageClass: "fast", runAsNonRoot: false },
  ],
];

describe("makeDesiredObjects", () => {
  it.each(cases)("%s matches its golden file", async (name, cr, config) => {
    const objects = makeDesiredObjects(cr, config);
    await expect(`${JSON.stringify(objects, null, 2)}\n`).toMatchFileSnapshot(
      `./__golden__/${name}.json`,
    );
  });

  it("owns everything through a controller owner reference", () => {
    for (const object of makeDesiredObjects(cases[2]![1], cfg)) {
      expect(object.body.metadata).toMatchObject({
        namespace: "team-a",
        ownerReferences: [{ kind: "Deployment", name: "dep-1", uid: "uid-1", controller: true }],
      });
    }
  });

  it("is deterministic", () => {
    expect(makeDesiredObjects(deployment(), cfg)).toEqual(makeDesiredObjects(deployment(), cfg));
  });
});

/** What the apiserver hands back: the applied object plus defaults, bookkeeping and status. */
function asStored(body: Record<string, unknown>): Record<string, unknown> {
  const stored = structuredClone(body) as Record<string, Record<string, unknown>>;
  stored.metadata = {
    ...stored.metadata,
    uid: "child-uid",
    resourceVersion: "42",
    generation: 3,
    managedFields: [{ manager: "slipway-operator", operation: "Apply" }],
  };
  stored.spec = { ...stored.spec, extraDefaultedField: "x" };
  stored.status = { observedGeneration: 3 };
  return stored;
}

describe("needsApply", () => {
  it("steady state writes nothing: stored objects with defaults need no apply", () => {
    for (const [, cr, config] of cases) {
      for (const object of makeDesiredObjects(cr, config)) {
        expect(needsApply(object.body, asStored(object.body))).toBe(false);
      }
    }
  });

  it("applies what is missing or has drifted", () => {
    const [workload] = makeDesiredObjects(deployment(), cfg).filter((o) => o.kind === "Deployment");
    expect(needsApply(workload!.body, undefined)).toBe(true);
    const drifted = asStored(workload!.body) as { spec: { revisionHistoryLimit: number } };
    drifted.spec.revisionHistoryLimit = 10;
    expect(needsApply(workload!.body, drifted)).toBe(true);
  });

  it("applies when a field was dropped, e.g. replicas: 0 after idle", () => {
    const idle = makeDesiredObjects(deployment({ desiredState: "idle" }), cfg).find(
      (o) => o.kind === "Deployment",
    )!;
    const running = makeDesiredObjects(deployment(), cfg).find((o) => o.kind === "Deployment")!;
    expect(needsApply(running.body, asStored(idle.body))).toBe(true);
  });
});

describe("UNKEY_DEPLOYMENT_ID", () => {
  it.each([
    ["dep-01m8vnbx4k7e3pvsrb9dc4qgth", "dep_01m8vnbx4k7e3pvsrb9dc4qgth"],
    ["dep-1", "dep-1"],
    ["my-web-app", "my-web-app"],
    ["dep-01m8vnbx4k7e3pvsrb9dc4qgth-x", "dep-01m8vnbx4k7e3pvsrb9dc4qgth-x"],
  ])("CR %s -> %s", (crName, expected) => expect(deploymentIdOf(crName)).toBe(expected));

  it("is the control plane's id in the workload's env", () => {
    const cr = deployment();
    cr.metadata.name = "dep-01m8vnbx4k7e3pvsrb9dc4qgth";
    const workload = makeDesiredObjects(cr, cfg).find((o) => o.kind === "Deployment")
      ?.body as unknown as {
      spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
    };
    expect(workload.spec.template.spec.containers[0]!.env).toContainEqual({
      name: "UNKEY_DEPLOYMENT_ID",
      value: "dep_01m8vnbx4k7e3pvsrb9dc4qgth",
    });
  });
});

describe("quantities in the apiserver's canonical form", () => {
  it.each([
    [0.25, "250m"],
    [1, "1"],
    [1.5, "1500m"],
    [16, "16"],
  ])("cpu %s -> %s", (vCpus, expected) => expect(cpuQuantity(vCpus)).toBe(expected));
  it.each([
    [256, "256Mi"],
    [1024, "1Gi"],
    [1536, "1536Mi"],
    [10240, "10Gi"],
  ])("memory %s MiB -> %s", (mib, expected) => expect(mebibytes(mib)).toBe(expected));
});
