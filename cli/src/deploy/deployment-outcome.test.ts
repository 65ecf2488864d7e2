import type { Deployment } from "@unkey/api/models/components";
import { describe, expect, it } from "vitest";
import { apiError, CliError, usageError } from "../cli-error.js";
import { deploymentUrls, judgeDeployment } from "./deployment-outcome.js";
import { isTransientReadFailure } from "./follow-deployment.js";

const deployment = (fields: Partial<Deployment>): Deployment => ({
  id: "dep_1",
  status: "pending",
  isCurrent: false,
  environment: "production",
  app: "web",
  project: "shop",
  availableActions: [],
  regions: ["eu-1"],
  runtime: {} as Deployment["runtime"],
  createdAt: 0,
  ...fields,
});

describe("judgeDeployment", () => {
  it.each([
    ["pending", "Queued"],
    ["building", "Building"],
    ["deploying", "Rolling out"],
    ["finalizing", "Rolling out"],
  ] as const)("%s is waiting (%s)", (status, phase) => {
    expect(judgeDeployment(deployment({ status }), "https://api")).toEqual({
      kind: "waiting",
      phase,
    });
  });

  it("ready gives the URLs in the API's scheme", () => {
    expect(
      judgeDeployment(
        deployment({ status: "ready", domains: ["a.example"] }),
        "http://127.0.0.1:7070",
      ),
    ).toEqual({
      kind: "ready",
      urls: ["http://a.example"],
    });
    expect(deploymentUrls(["a.example"], "https://api.example")).toEqual(["https://a.example"]);
  });

  it("a failed build exits 4, a failed rollout 5, an ended deployment 5", () => {
    const build = judgeDeployment(
      deployment({
        status: "failed",
        error: { code: "build_failed", step: "build", message: "x" },
      }),
      "https://api",
    );
    expect(build).toMatchObject({ kind: "ended", exitCode: 4 });
    const rollout = judgeDeployment(
      deployment({
        status: "failed",
        error: { code: "no_schedulable_regions", step: "deploy", message: "x" },
      }),
      "https://api",
    );
    expect(rollout).toMatchObject({ kind: "ended", exitCode: 5 });
    expect(judgeDeployment(deployment({ status: "cancelled" }), "https://api")).toMatchObject({
      kind: "ended",
      exitCode: 5,
    });
  });
});

describe("isTransientReadFailure", () => {
  it("asks again when the API was away or overloaded, not when it refused", () => {
    expect(isTransientReadFailure(new CliError(3, "Cannot reach the Slipway API"))).toBe(true);
    expect(isTransientReadFailure(apiError({ status: 503, detail: "x" }))).toBe(true);
    expect(isTransientReadFailure(apiError({ status: 429, detail: "x" }))).toBe(true);
    expect(isTransientReadFailure(apiError({ status: 404, detail: "x" }))).toBe(false);
    expect(isTransientReadFailure(usageError("x"))).toBe(false);
    expect(isTransientReadFailure(new Error("bug"))).toBe(false);
  });
});
