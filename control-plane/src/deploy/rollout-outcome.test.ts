import type { SlipwayDeployment } from "@slipway/shared";
import { describe, expect, it } from "vitest";
import { classifyTimeout, judgeRollout } from "./rollout-outcome.js";

function cr(status: SlipwayDeployment["status"], generation = 1): SlipwayDeployment {
  return {
    apiVersion: "slipway.dev/v1alpha1",
    kind: "Deployment",
    metadata: { name: "dep-x", generation },
    spec: {} as SlipwayDeployment["spec"],
    status,
  };
}

const degraded = (reason: string, message: string, instances: { ip?: string }[] = []) =>
  cr({
    observedGeneration: 1,
    phase: "Degraded",
    conditions: [{ type: "Degraded", status: "True", reason, message }],
    regions: [
      {
        name: "eu-1",
        replicas: 1,
        readyReplicas: 0,
        instances: instances.map((i, n) => ({
          name: `p${n}`,
          region: "eu-1",
          phase: "Pending",
          ...i,
        })),
      },
    ],
  });

describe("judgeRollout", () => {
  it("waits for a status that has seen the current generation", () => {
    expect(judgeRollout(undefined).kind).toBe("waiting");
    expect(judgeRollout(cr({ observedGeneration: 1, phase: "Ready" }, 2)).kind).toBe("waiting");
    expect(judgeRollout(cr({ observedGeneration: 2, phase: "Ready" }, 2)).kind).toBe("ready");
    expect(judgeRollout(cr({ observedGeneration: 1, phase: "Idle" })).kind).toBe("idle");
  });

  it.each([
    ["ApplyFailed", "Service x: Invalid value", [], "invalid_runtime_settings"],
    ["ApplyFailed", "exceeded quota: q, requested: limits.memory=2Gi", [], "memory_quota_exceeded"],
    ["ApplyFailed", "exceeded quota: q, requested: limits.cpu=2", [], "cpu_quota_exceeded"],
    ["ProgressDeadlineExceeded", "region eu-1 exceeded", [{}], "no_schedulable_regions"],
    ["ProgressDeadlineExceeded", "region eu-1 exceeded", [{ ip: "10.0.0.1" }], "unknown"],
    ["InstancesFailing", "p0: CrashLoopBackOff", [], "unknown"],
    [
      "InstancesFailing",
      "p0: CreateContainerConfigError for over 30 s",
      [],
      "invalid_runtime_settings",
    ],
  ])("maps Degraded/%s (%s) to %s", (reason, message, instances, code) => {
    const outcome = judgeRollout(degraded(reason, message, instances));
    expect(outcome).toMatchObject({ kind: "failed", code });
    expect(outcome.kind === "failed" && outcome.message).toContain(message);
  });

  it("keeps the object and the apiserver's message of an ApplyFailed, not the request line", () => {
    const raw =
      'Deployment dep-x-eu-1: PATCH /apis/apps/v1/namespaces/n/deployments/dep-x-eu-1?force=true -> HTTP 422 Invalid: {"kind":"Status","message":"deployments.apps \\"dep-x-eu-1\\" is forbidden: denied request: images are not allowed","reason":"Invalid","details":{"causes":[{"message":"Valid';
    const outcome = judgeRollout(degraded("ApplyFailed", raw));
    expect(outcome.kind === "failed" && outcome.message).toBe(
      'The cluster refused this deployment\'s workload: Deployment dep-x-eu-1: deployments.apps "dep-x-eu-1" is forbidden: denied request: images are not allowed',
    );
  });

  it("blames scheduling when a rollout times out with a region that has no running instance", () => {
    const pending = degraded("none", "", [{}]);
    expect(classifyTimeout(pending, 60_000, "waiting")).toMatchObject({
      code: "no_schedulable_regions",
      message: expect.stringContaining("eu-1 within 60 s"),
    });
    const scheduled = degraded("none", "", [{ ip: "10.0.0.9" }]);
    expect(classifyTimeout(scheduled, 60_000, "eu-1 0/1 ready")).toEqual({
      code: "unknown",
      message: "The deployment did not become ready within 60 s (eu-1 0/1 ready).",
    });
  });
});
