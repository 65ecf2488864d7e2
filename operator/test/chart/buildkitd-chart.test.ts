import { makeBuildkitdToml } from "@slipway/builder";
import { beforeAll, describe, expect, it } from "vitest";
import { freshNamespace, testClient } from "../helpers.js";
import { ensureHelm } from "./helm.js";
import { applyAll, find, render } from "./platform-install.js";

/**
 * The chart's buildkitd for a cluster without internet or storage: a docker.io mirror in its
 * buildkitd.toml (the same TOML as the builder's own buildkitd) and its state on an emptyDir.
 */
const admin = testClient();
let helm: string;

const platform = {
  "controlPlane.enabled": "true",
  "controlPlane.image.tag": "test",
  "controlPlane.existingSecret": "slipway-secrets",
  "builder.registry": "10.0.0.1:5000",
};

beforeAll(async () => {
  helm = await ensureHelm();
}, 30 * 60_000);

describe("charts/slipway buildkitd", () => {
  it("mirrors docker.io and registry.k8s.io to buildkit.mirrorRegistry, as makeBuildkitdToml does", async () => {
    const { manifests } = await render(helm, "mirror", "slipway-system", {
      ...platform,
      // The registry pushed to is the mirror too: listed once.
      "buildkit.plainHttpRegistries[0]": "10.0.0.1:5000",
      "buildkit.plainHttpRegistries[1]": "cache.internal:5001",
      "buildkit.mirrorRegistry": "10.0.0.1:5000",
    });
    const toml = find(manifests, "ConfigMap", "mirror-buildkitd").data["buildkitd.toml"];
    expect(toml).toBe(
      makeBuildkitdToml({
        root: "/var/lib/buildkit",
        addresses: ["unix:///run/buildkit/buildkitd.sock", "tcp://0.0.0.0:1234"],
        snapshotter: "overlayfs",
        plainHttpRegistries: ["10.0.0.1:5000", "cache.internal:5001"],
        mirrorRegistry: "10.0.0.1:5000",
        gcKeepStorageMb: 20000,
        maxParallelism: 4,
      }),
    );
    expect(toml).toContain('[registry."docker.io"]\n  mirrors = ["10.0.0.1:5000"]');
  });

  it("keeps buildkitd's state on an emptyDir when told, with no volume claim", async () => {
    const ns = await freshNamespace(admin, "buildkitd");
    const release = `b-${ns.slice(-5)}`;
    const { manifests } = await render(helm, release, ns, {
      ...platform,
      "apps.namespace": `${ns}-apps`,
      "buildkit.storage.type": "emptyDir",
      "buildkit.storage.size": "8Gi",
    });
    // The apiserver takes it as it is (a StatefulSet without claims).
    await applyAll(admin, manifests);
    const buildkitd = find(manifests, "StatefulSet", `${release}-buildkitd`);
    expect(buildkitd.spec.volumeClaimTemplates).toBeUndefined();
    const volumes = buildkitd.spec.template.spec.volumes;
    expect(volumes.find((v: { name: string }) => v.name === "state")).toEqual({
      name: "state",
      emptyDir: { sizeLimit: "8Gi" },
    });
    expect(buildkitd.spec.template.spec.containers[0].volumeMounts).toContainEqual({
      name: "state",
      mountPath: "/var/lib/buildkit",
    });
  });

  it("refuses an unknown storage type and a mirror with a scheme", async () => {
    const error = (values: Record<string, string>) =>
      render(helm, "r", "slipway-system", { ...platform, ...values }).then(
        () => "rendered",
        (failure: Error) => failure.message,
      );
    expect(await error({ "buildkit.storage.type": "hostPath" })).toContain("buildkit.storage.type");
    expect(await error({ "buildkit.mirrorRegistry": "http://10.0.0.1:5000" })).toContain(
      "buildkit.mirrorRegistry",
    );
  });
});
