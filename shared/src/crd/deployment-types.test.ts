import { describe, expect, expectTypeOf, it } from "vitest";
import { makeDeploymentCrd } from "./deployment-crd.js";
import type {
  SlipwayDeploymentSpec,
  SlipwayDeploymentSpecInput,
  SlipwayDeploymentStatus,
} from "./deployment-types.js";

describe("Deployment CRD types derived from the schema", () => {
  it("makes defaulted fields present when stored and optional on input", () => {
    expectTypeOf<SlipwayDeploymentSpec["port"]>().toEqualTypeOf<number>();
    expectTypeOf<SlipwayDeploymentSpec["desiredState"]>().toEqualTypeOf<"running" | "idle">();
    expectTypeOf<SlipwayDeploymentSpec["upstreamProtocol"]>().toEqualTypeOf<"http1" | "h2c">();
    expectTypeOf<SlipwayDeploymentSpec["git"]["commitSha"]>().toEqualTypeOf<string>();
    expectTypeOf<SlipwayDeploymentSpec["regions"][number]["replicas"]>().toEqualTypeOf<{
      min: number;
      max: number;
    }>();
    expectTypeOf<SlipwayDeploymentSpecInput["port"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<SlipwayDeploymentSpecInput["image"]>().toEqualTypeOf<string>();
    expectTypeOf<SlipwayDeploymentSpec["healthcheck"]>().toEqualTypeOf<
      | {
          method: "GET" | "POST";
          path: string;
          intervalSeconds: number;
          timeoutSeconds: number;
          failureThreshold: number;
          initialDelaySeconds: number;
        }
      | undefined
    >();
    expectTypeOf<SlipwayDeploymentStatus["phase"]>().toEqualTypeOf<
      "Pending" | "Progressing" | "Ready" | "Idle" | "Degraded" | undefined
    >();
  });

  it("accepts a minimal spec on input", () => {
    const spec: SlipwayDeploymentSpecInput = {
      image: "registry.example/app@sha256:abc",
      workspaceId: "ws_1",
      projectId: "prj_1",
      appId: "app_1",
      environmentId: "env_1",
      environmentSlug: "production",
      regions: [{ name: "eu-1" }],
    };
    expect(spec.regions).toHaveLength(1);
  });

  it("declares the status subresource, short names and printer columns", () => {
    const crd = makeDeploymentCrd();
    const version = crd.spec.versions[0]!;
    expect(crd.metadata.name).toBe("deployments.slipway.dev");
    expect(crd.spec.names.shortNames).toContain("sdeploy");
    expect(version.subresources).toEqual({ status: {} });
    expect(version.additionalPrinterColumns.map((c) => c.name)).toEqual([
      "Image",
      "Ready",
      "Phase",
      "Age",
    ]);
  });
});
