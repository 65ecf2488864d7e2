import { deploymentConditionReasons, type SlipwayDeployment } from "@slipway/shared";
import { describe, expect, it } from "vitest";
import { makeStatus, type ObservedPod, type ObservedRegion } from "./make-status.js";

const now = new Date("2026-11-27T08:00:00.123Z");
const earlier = "2026-11-27T07:00:00Z";

function deployment(
  desiredState: "running" | "idle" = "running",
  status?: SlipwayDeployment["status"],
): SlipwayDeployment {
  return {
    apiVersion: "slipway.dev/v1alpha1",
    kind: "Deployment",
    metadata: { name: "dep-1", namespace: "team-a", uid: "uid-1", generation: 4 },
    spec: {
      image: "img",
      port: 8080,
      vCpus: 0.25,
      memoryMib: 256,
      storageMib: 0,
      shutdownSignal: "SIGTERM",
      workspaceId: "ws",
      projectId: "prj",
      appId: "app",
      environmentId: "env",
      environmentSlug: "production",
      git: { commitSha: "", branch: "", repo: "", commitMessage: "" },
      regions: [
        { name: "eu-1", replicas: { min: 2, max: 4 } },
        { name: "us-1", replicas: { min: 1, max: 1 } },
      ],
      autoscaling: { targetCpuUtilization: 80 },
      upstreamProtocol: "http1",
      desiredState,
    },
    ...(status ? { status } : {}),
  };
}

const pod = (
  name: string,
  region: string,
  extra: Partial<ObservedPod["status"]> = {},
): ObservedPod => ({
  metadata: { name, labels: { "slipway.dev/region": region } },
  status: {
    phase: "Running",
    podIP: `10.0.0.${name.length}`,
    conditions: [{ type: "Ready", status: "True" }],
    ...extra,
  },
});

const workload = (replicas: number, ready: number, observedGeneration = 1) => ({
  metadata: { generation: 1 },
  status: { observedGeneration, replicas, readyReplicas: ready, updatedReplicas: replicas },
});

const allReady: ObservedRegion[] = [
  { name: "eu-1", workload: workload(2, 2), pods: [pod("eu-b", "eu-1"), pod("eu-a", "eu-1")] },
  { name: "us-1", workload: workload(1, 1), pods: [pod("us-a", "us-1")] },
];

const summary = (status: ReturnType<typeof makeStatus>) => ({
  phase: status.phase,
  readyReplicas: status.readyReplicas,
  conditions: status.conditions!.map((c) => `${c.type}=${c.status}/${c.reason}`),
});

describe("makeStatus", () => {
  it.each<[string, SlipwayDeployment, ObservedRegion[], ReturnType<typeof summary>]>([
    [
      "every region at its minimum: Ready",
      deployment(),
      allReady,
      {
        phase: "Ready",
        readyReplicas: 3,
        conditions: [
          "Ready=True/Available",
          "Progressing=False/RolloutComplete",
          "Degraded=False/AsExpected",
        ],
      },
    ],
    [
      "a region below its minimum: Progressing",
      deployment(),
      [{ ...allReady[0]!, workload: workload(2, 1) }, allReady[1]!],
      {
        phase: "Progressing",
        readyReplicas: 2,
        conditions: [
          "Ready=False/RolloutInProgress",
          "Progressing=True/RolloutInProgress",
          "Degraded=False/AsExpected",
        ],
      },
    ],
    [
      "a pod turned unready that the workload still counts: Progressing",
      deployment(),
      [
        {
          ...allReady[0]!,
          pods: [
            pod("eu-a", "eu-1"),
            pod("eu-b", "eu-1", { conditions: [{ type: "Ready", status: "False" }] }),
          ],
        },
        allReady[1]!,
      ],
      {
        phase: "Progressing",
        readyReplicas: 2,
        conditions: [
          "Ready=False/RolloutInProgress",
          "Progressing=True/RolloutInProgress",
          "Degraded=False/AsExpected",
        ],
      },
    ],
    [
      "a workload not yet observed at its generation: Progressing",
      deployment(),
      [{ ...allReady[0]!, workload: workload(2, 2, 0) }, allReady[1]!],
      {
        phase: "Progressing",
        readyReplicas: 3,
        conditions: [
          "Ready=False/RolloutInProgress",
          "Progressing=True/RolloutInProgress",
          "Degraded=False/AsExpected",
        ],
      },
    ],
    [
      "crash-looping instances: Degraded",
      deployment(),
      [
        {
          name: "eu-1",
          workload: workload(2, 0),
          pods: [
            pod("eu-a", "eu-1", {
              containerStatuses: [{ state: { waiting: { reason: "CrashLoopBackOff" } } }],
            }),
          ],
        },
        allReady[1]!,
      ],
      {
        phase: "Degraded",
        readyReplicas: 1,
        conditions: [
          "Ready=False/RolloutInProgress",
          "Progressing=True/RolloutInProgress",
          "Degraded=True/InstancesFailing",
        ],
      },
    ],
    [
      "a config error for a moment after start (a real kubelet): still Progressing",
      deployment(),
      [
        {
          name: "eu-1",
          workload: workload(2, 0),
          pods: [
            pod("eu-a", "eu-1", {
              conditions: [
                { type: "Ready", status: "False", lastTransitionTime: "2026-11-27T07:59:50Z" },
              ],
              containerStatuses: [{ state: { waiting: { reason: "CreateContainerConfigError" } } }],
            }),
          ],
        },
        allReady[1]!,
      ],
      {
        phase: "Progressing",
        readyReplicas: 1,
        conditions: [
          "Ready=False/RolloutInProgress",
          "Progressing=True/RolloutInProgress",
          "Degraded=False/AsExpected",
        ],
      },
    ],
    [
      "a config error that persists past the grace: Degraded",
      deployment(),
      [
        {
          name: "eu-1",
          workload: workload(2, 0),
          pods: [
            pod("eu-a", "eu-1", {
              conditions: [{ type: "Ready", status: "False", lastTransitionTime: earlier }],
              containerStatuses: [{ state: { waiting: { reason: "CreateContainerConfigError" } } }],
            }),
          ],
        },
        allReady[1]!,
      ],
      {
        phase: "Degraded",
        readyReplicas: 1,
        conditions: [
          "Ready=False/RolloutInProgress",
          "Progressing=True/RolloutInProgress",
          "Degraded=True/InstancesFailing",
        ],
      },
    ],
    [
      "idle with instances still stopping",
      deployment("idle"),
      allReady,
      {
        phase: "Progressing",
        readyReplicas: 3,
        conditions: [
          "Ready=False/ScalingToZero",
          "Progressing=True/ScalingToZero",
          "Degraded=False/AsExpected",
        ],
      },
    ],
    [
      "idle and at zero",
      deployment("idle"),
      [
        { name: "eu-1", workload: workload(0, 0), pods: [] },
        { name: "us-1", workload: workload(0, 0), pods: [] },
      ],
      {
        phase: "Idle",
        readyReplicas: 0,
        conditions: ["Ready=False/Idle", "Progressing=False/Idle", "Degraded=False/AsExpected"],
      },
    ],
  ])("%s", (_name, cr, observed, expected) => {
    expect(summary(makeStatus(cr, observed, now))).toEqual(expected);
  });

  it("reports a failed apply as Degraded", () => {
    const status = makeStatus(deployment(), allReady, now, {
      reason: deploymentConditionReasons.applyFailed,
      message: "Service x: invalid",
    });
    expect(summary(status).conditions).toEqual([
      "Ready=False/ApplyFailed",
      "Progressing=False/ApplyFailed",
      "Degraded=True/ApplyFailed",
    ]);
    expect(status.phase).toBe("Degraded");
  });

  it("lists instances per region sorted by name, and stamps observedGeneration everywhere", () => {
    const status = makeStatus(deployment(), allReady, now);
    expect(status.observedGeneration).toBe(4);
    expect(status.conditions!.every((c) => c.observedGeneration === 4)).toBe(true);
    expect(status.regions).toEqual([
      {
        name: "eu-1",
        replicas: 2,
        readyReplicas: 2,
        instances: [
          { name: "eu-a", ip: "10.0.0.4", region: "eu-1", phase: "Running", ready: true },
          { name: "eu-b", ip: "10.0.0.4", region: "eu-1", phase: "Running", ready: true },
        ],
      },
      {
        name: "us-1",
        replicas: 1,
        readyReplicas: 1,
        instances: [
          { name: "us-a", ip: "10.0.0.4", region: "us-1", phase: "Running", ready: true },
        ],
      },
    ]);
  });

  it("moves lastTransitionTime only when a condition flips, so steady state writes nothing", () => {
    const first = makeStatus(deployment(), allReady, new Date(earlier));
    const again = makeStatus(deployment("running", first), allReady, now);
    expect(again).toEqual(first);
    const flipped = makeStatus(
      deployment("running", first),
      [{ ...allReady[0]!, workload: workload(2, 1) }, allReady[1]!],
      now,
    );
    const times = Object.fromEntries(
      flipped.conditions!.map((c) => [c.type, c.lastTransitionTime]),
    );
    expect(times).toEqual({
      Ready: "2026-11-27T08:00:00Z",
      Progressing: "2026-11-27T08:00:00Z",
      Degraded: earlier,
    });
  });
});
