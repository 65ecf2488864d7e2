import {
  apiserverStatusMessage,
  type DeploymentErrorCode,
  deploymentConditionReasons,
  deploymentConditionTypes,
  type SlipwayDeployment,
} from "@slipway/shared";

export type RolloutOutcome =
  | { kind: "waiting"; detail: string }
  | { kind: "ready" }
  | { kind: "idle" }
  | { kind: "failed"; code: DeploymentErrorCode; message: string };

/** Kubernetes' ResourceQuota rejections name the resource that ran out. */
function quotaCode(message: string): DeploymentErrorCode | undefined {
  if (!/exceeded quota/i.test(message)) return undefined;
  if (/ephemeral-storage|storage/i.test(message)) return "storage_quota_exceeded";
  if (/memory/i.test(message)) return "memory_quota_exceeded";
  if (/cpu/i.test(message)) return "cpu_quota_exceeded";
  return undefined;
}

/**
 * The operator's ApplyFailed message quotes the apiserver's request line and Status JSON
 * (`<Kind> <name>: PATCH /apis/… -> HTTP 422 Invalid: {"kind":"Status",…,"message":"…"}`);
 * a person needs the object and the Status message only.
 */
export function readableClusterMessage(message: string): string {
  const status = apiserverStatusMessage(message);
  if (!status) return message;
  const object = /^(.*?): (?:GET|PATCH|POST|PUT|DELETE) \//.exec(message)?.[1];
  return object ? `${object}: ${status}` : status;
}

/** Pure: the SDK's error code and a sentence a person can act on, from a Degraded condition. */
export function classifyDegraded(
  reason: string,
  rawMessage: string,
  cr: SlipwayDeployment,
): { code: DeploymentErrorCode; message: string } {
  const message = readableClusterMessage(rawMessage);
  switch (reason) {
    case deploymentConditionReasons.applyFailed:
      return {
        code: quotaCode(message) ?? "invalid_runtime_settings",
        message: `The cluster refused this deployment's workload: ${message}`,
      };
    case deploymentConditionReasons.progressDeadlineExceeded: {
      const instances = (cr.status?.regions ?? []).flatMap((region) => region.instances);
      const noneScheduled = instances.every((instance) => !instance.ip);
      return noneScheduled
        ? {
            code: "no_schedulable_regions",
            message: `No instance could be scheduled in time: ${message}`,
          }
        : { code: "unknown", message: `The rollout did not finish in time: ${message}` };
    }
    case deploymentConditionReasons.instancesFailing:
      return {
        code: /CreateContainerConfigError|InvalidImageName/.test(message)
          ? "invalid_runtime_settings"
          : "unknown",
        message: `Instances keep failing: ${message}`,
      };
    default:
      return { code: "unknown", message: `The rollout failed (${reason}): ${message}` };
  }
}

/**
 * Pure: what the CR's status says about the rollout the control plane asked for. A status
 * older than the spec (observedGeneration behind) is not an answer yet.
 */
export function judgeRollout(cr: SlipwayDeployment | undefined): RolloutOutcome {
  if (!cr) return { kind: "waiting", detail: "the Deployment resource does not exist yet" };
  const status = cr.status;
  if (!status || (status.observedGeneration ?? 0) < (cr.metadata.generation ?? 0)) {
    return { kind: "waiting", detail: "the operator has not seen this version yet" };
  }
  // Ready means every region has its minimum of ready instances, even if a spare one fails.
  if (status.phase === "Ready") return { kind: "ready" };
  const degraded = status.conditions?.find(
    (condition) => condition.type === deploymentConditionTypes.degraded,
  );
  if (degraded?.status === "True") {
    return {
      kind: "failed",
      ...classifyDegraded(degraded.reason ?? "", degraded.message ?? "", cr),
    };
  }
  if (status.phase === "Idle") return { kind: "idle" };
  const ready = status.conditions?.find(
    (condition) => condition.type === deploymentConditionTypes.ready,
  );
  return { kind: "waiting", detail: ready?.message || `phase ${status.phase ?? "unknown"}` };
}

/**
 * Pure: why a rollout that never became Ready failed. Regions none of whose instances got
 * scheduled (no pod IP) point at capacity or a region without nodes: `no_schedulable_regions`.
 */
export function classifyTimeout(
  cr: SlipwayDeployment | undefined,
  timeoutMs: number,
  detail: string,
): { code: DeploymentErrorCode; message: string } {
  const seconds = Math.round(timeoutMs / 1000);
  const unscheduled = (cr?.status?.regions ?? [])
    .filter((region) => region.readyReplicas === 0 && region.instances.every((i) => !i.ip))
    .map((region) => region.name);
  if (unscheduled.length > 0) {
    return {
      code: "no_schedulable_regions",
      message: `No instance could be scheduled in ${unscheduled.join(", ")} within ${seconds} s: no node there can run it.`,
    };
  }
  return {
    code: "unknown",
    message: `The deployment did not become ready within ${seconds} s (${detail}).`,
  };
}
