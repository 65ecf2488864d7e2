import {
  type DeploymentCondition,
  type DeploymentConditionReason,
  type DeploymentPhase,
  deploymentConditionReasons,
  deploymentConditionTypes,
  type InstanceStatus,
  type RegionStatus,
  type SlipwayDeployment,
  type SlipwayDeploymentStatus,
} from "@slipway/shared";
import { SLIPWAY_REGION_LABEL } from "../desired/names.js";
import { DEFAULT_WAIT_GRACE_MS, judgeWaits } from "./failing-waits.js";

/** The fields of apps/v1 Deployment and Pod the status is computed from. */
export interface ObservedWorkload {
  metadata: { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    conditions?: { type: string; status: string; reason?: string }[];
  };
}

export interface ObservedPod {
  metadata: {
    name: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
    creationTimestamp?: string;
  };
  status?: {
    phase?: string;
    podIP?: string;
    startTime?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { state?: { waiting?: { reason?: string } } }[];
  };
}

/** The part of a pod the status reads; the informer's cache keeps only this much of each pod. */
export function observedPodFields(pod: ObservedPod): ObservedPod {
  const { name, namespace, resourceVersion, labels, deletionTimestamp, creationTimestamp } =
    pod.metadata as ObservedPod["metadata"] & { namespace?: string; resourceVersion?: string };
  const status = pod.status;
  return {
    metadata: { name, namespace, resourceVersion, labels, deletionTimestamp, creationTimestamp },
    status: status && {
      phase: status.phase,
      podIP: status.podIP,
      startTime: status.startTime,
      conditions: status.conditions?.map(({ type, status, lastTransitionTime }) => ({
        type,
        status,
        lastTransitionTime,
      })),
      containerStatuses: status.containerStatuses?.map(({ state }) => ({
        state: state?.waiting ? { waiting: { reason: state.waiting.reason } } : {},
      })),
    },
  } as ObservedPod;
}

export interface ObservedRegion {
  name: string;
  workload?: ObservedWorkload;
  pods: ObservedPod[];
}

/** A failure of the reconcile itself, reported as Degraded. */
export interface ReconcileFailure {
  reason: DeploymentConditionReason;
  message: string;
}

function instanceOf(pod: ObservedPod, region: string): InstanceStatus {
  return {
    name: pod.metadata.name,
    ...(pod.status?.podIP ? { ip: pod.status.podIP } : {}),
    region: pod.metadata.labels?.[SLIPWAY_REGION_LABEL] ?? region,
    phase: pod.status?.phase ?? "Pending",
    ready: pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
  };
}

/**
 * Ready instances of a region: the workload's count, but never more than the pods the operator
 * itself sees ready. The ReplicaSet controller updates `readyReplicas` after the pods change, so
 * for a moment it can still count a pod that has just turned unready.
 */
function readyInstances(region: ObservedRegion | undefined): number {
  if (!region) return 0;
  const readyPods = region.pods.filter(
    (pod) =>
      !pod.metadata.deletionTimestamp &&
      pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
  ).length;
  return Math.min(region.workload?.status?.readyReplicas ?? 0, readyPods);
}

function regionStatus(region: ObservedRegion): RegionStatus {
  const instances = region.pods
    .filter((pod) => !pod.metadata.deletionTimestamp)
    .map((pod) => instanceOf(pod, region.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    name: region.name,
    replicas: region.workload?.status?.replicas ?? 0,
    readyReplicas: readyInstances(region),
    instances,
  };
}

function workloadSettled(workload: ObservedWorkload | undefined): boolean {
  return (
    workload !== undefined &&
    (workload.status?.observedGeneration ?? 0) >= (workload.metadata.generation ?? 0)
  );
}

interface Verdict {
  phase: DeploymentPhase;
  ready: [boolean, DeploymentConditionReason, string];
  progressing: [boolean, DeploymentConditionReason, string];
  degraded: [boolean, DeploymentConditionReason, string];
}

function judge(
  cr: SlipwayDeployment,
  regions: ObservedRegion[],
  now: Date,
  waitGraceMs: number,
  failure?: ReconcileFailure,
): Verdict {
  const ok: [boolean, DeploymentConditionReason, string] = [
    false,
    deploymentConditionReasons.asExpected,
    "",
  ];
  if (failure) {
    return {
      phase: "Degraded",
      ready: [false, failure.reason, failure.message],
      progressing: [false, failure.reason, failure.message],
      degraded: [true, failure.reason, failure.message],
    };
  }
  if (cr.spec.desiredState === "idle") {
    const stopped = regions.every(
      (r) => workloadSettled(r.workload) && (r.workload?.status?.replicas ?? 0) === 0,
    );
    return stopped
      ? {
          phase: "Idle",
          ready: [false, deploymentConditionReasons.idle, "scaled to zero"],
          progressing: [false, deploymentConditionReasons.idle, "scaled to zero"],
          degraded: ok,
        }
      : {
          phase: "Progressing",
          ready: [false, deploymentConditionReasons.scalingToZero, "stopping instances"],
          progressing: [true, deploymentConditionReasons.scalingToZero, "stopping instances"],
          degraded: ok,
        };
  }
  const { failing } = judgeWaits(
    regions.flatMap((r) => r.pods.filter((pod) => !pod.metadata.deletionTimestamp)),
    now,
    waitGraceMs,
  );
  const deadline = regions.find((r) =>
    r.workload?.status?.conditions?.some(
      (c) => c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded",
    ),
  );
  const waiting = cr.spec.regions
    .map((spec) => {
      const region = regions.find((r) => r.name === spec.name);
      const ready = readyInstances(region);
      const settled = workloadSettled(region?.workload);
      return settled && ready >= spec.replicas.min
        ? undefined
        : `${spec.name} ${ready}/${spec.replicas.min} ready`;
    })
    .filter((line): line is string => line !== undefined);
  const degraded: [boolean, DeploymentConditionReason, string] = deadline
    ? [
        true,
        deploymentConditionReasons.progressDeadlineExceeded,
        `region ${deadline.name} exceeded its progress deadline`,
      ]
    : failing.length > 0
      ? [true, deploymentConditionReasons.instancesFailing, failing.join(", ")]
      : ok;
  if (waiting.length === 0) {
    return {
      phase: "Ready",
      ready: [
        true,
        deploymentConditionReasons.available,
        "every region has its minimum of ready instances",
      ],
      progressing: [false, deploymentConditionReasons.rolloutComplete, ""],
      degraded,
    };
  }
  const message = `waiting for ${waiting.join(", ")}`;
  return {
    phase: degraded[0] ? "Degraded" : "Progressing",
    ready: [false, deploymentConditionReasons.rolloutInProgress, message],
    progressing: [true, deploymentConditionReasons.rolloutInProgress, message],
    degraded,
  };
}

function condition(
  type: string,
  [value, reason, message]: [boolean, DeploymentConditionReason, string],
  cr: SlipwayDeployment,
  now: Date,
): DeploymentCondition {
  const status = value ? "True" : "False";
  const previous = cr.status?.conditions?.find((c) => c.type === type);
  // The transition time moves only when the status flips, as in metav1.Condition.
  const lastTransitionTime =
    previous?.status === status && previous.lastTransitionTime
      ? previous.lastTransitionTime
      : now.toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    type,
    status,
    observedGeneration: cr.metadata.generation ?? 0,
    lastTransitionTime,
    reason,
    message,
  };
}

/**
 * The status the CR should have given what was observed. Pure; `now` stamps transitions and
 * tells how long a container has been waiting (see `failing-waits.ts`).
 */
export function makeStatus(
  cr: SlipwayDeployment,
  observed: ObservedRegion[],
  now: Date,
  failure?: ReconcileFailure,
  waitGraceMs = DEFAULT_WAIT_GRACE_MS,
): SlipwayDeploymentStatus {
  const verdict = judge(cr, observed, now, waitGraceMs, failure);
  const regions = cr.spec.regions.map((spec) =>
    regionStatus(observed.find((r) => r.name === spec.name) ?? { name: spec.name, pods: [] }),
  );
  return {
    observedGeneration: cr.metadata.generation ?? 0,
    phase: verdict.phase,
    readyReplicas: regions.reduce((sum, r) => sum + r.readyReplicas, 0),
    conditions: [
      condition(deploymentConditionTypes.ready, verdict.ready, cr, now),
      condition(deploymentConditionTypes.progressing, verdict.progressing, cr, now),
      condition(deploymentConditionTypes.degraded, verdict.degraded, cr, now),
    ],
    regions,
  };
}
