import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import { KubeApiError } from "@slipway/shared/kube";
import { readSettings } from "@slipway/testbed";
import { beforeAll, describe, expect, it } from "vitest";
import { installCrds } from "../../src/crd/install-crds.js";
import { eventually, freshNamespace, sampleDeployment, testClient } from "../helpers.js";

const kube = testClient();
let ns: string;

beforeAll(async () => {
  await installCrds(kube);
  ns = await freshNamespace(kube, "crd");
});

describe("the Deployment CRD at the apiserver", () => {
  it("applies defaults to a minimal spec", async () => {
    const created = await eventually("the CRD to be served", () =>
      kube.create<SlipwayDeployment>(deploymentCrPath(ns), sampleDeployment("defaults")),
    );
    expect(created.spec).toMatchObject({
      port: 8080,
      vCpus: 0.25,
      memoryMib: 256,
      storageMib: 0,
      shutdownSignal: "SIGTERM",
      upstreamProtocol: "http1",
      desiredState: "running",
      autoscaling: { targetCpuUtilization: 80 },
      git: { commitSha: "", branch: "", repo: "", commitMessage: "" },
    });
    const oneRegion = await kube.create<SlipwayDeployment>(
      deploymentCrPath(ns),
      sampleDeployment("region-defaults", { regions: [{ name: "us-1" }] }),
    );
    expect(oneRegion.spec.regions).toEqual([{ name: "us-1", replicas: { min: 1, max: 1 } }]);
  });

  it.each([
    [
      "min > max",
      { regions: [{ name: "eu-1", replicas: { min: 3, max: 2 } }] },
      "replicas.min must not exceed replicas.max",
    ],
    ["storageMib 20000", { storageMib: 20000 }, "spec.storageMib"],
    ["empty regions", { regions: [] }, "spec.regions"],
    [
      "replicas 0",
      { regions: [{ name: "eu-1", replicas: { min: 0, max: 1 } }] },
      "spec.regions[0].replicas.min",
    ],
    [
      "replicas 101",
      { regions: [{ name: "eu-1", replicas: { min: 1, max: 101 } }] },
      "spec.regions[0].replicas.max",
    ],
    ["upstreamProtocol h3", { upstreamProtocol: "h3" }, "spec.upstreamProtocol"],
    ["duplicate regions", { regions: [{ name: "eu-1" }, { name: "eu-1" }] }, "spec.regions[1]"],
    ["a region that is not a DNS label", { regions: [{ name: "EU 1" }] }, "spec.regions[0].name"],
  ])("rejects %s with 422", async (_label, spec, field) => {
    const bad = sampleDeployment("bad", spec as never);
    const error = await kube.create(deploymentCrPath(ns), bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).status).toBe(422);
    expect((error as KubeApiError).message).toContain(field);
  });

  it("keeps image immutable but lets desiredState change", async () => {
    const path = deploymentCrPath(ns, "immutable");
    await kube.create(deploymentCrPath(ns), sampleDeployment("immutable"));
    const changed = await kube
      .apply(path, sampleDeployment("immutable", { image: "registry.invalid/other:2" }))
      .catch((e: unknown) => e);
    expect((changed as KubeApiError).status).toBe(422);
    expect((changed as KubeApiError).message).toContain("image is immutable");
    const idled = await kube.apply<SlipwayDeployment>(
      path,
      sampleDeployment("immutable", { desiredState: "idle" }),
    );
    expect(idled.spec.desiredState).toBe("idle");
  });

  it("answers kubectl by short name with the printer columns", async () => {
    const kubectl = join(readSettings(process.env).binDir, "kubectl");
    const { stdout } = await promisify(execFile)(
      kubectl,
      ["get", "sdeploy", "defaults", "-n", ns],
      {
        env: { ...process.env },
      },
    );
    const [header, row] = stdout.trim().split("\n");
    expect(header!.split(/\s+/)).toEqual(["NAME", "IMAGE", "READY", "PHASE", "AGE"]);
    expect(row).toContain("registry.invalid/acme/api@sha256:0123");
  });
});
