/**
 * Which containers' waiting reasons mean an instance is failing. A real kubelet reports some
 * reasons for a moment on a healthy start: `CreateContainerConfigError` while the node
 * authorizer has not yet linked the node to the pod's env Secret, `ErrImagePull` (and the
 * first `ImagePullBackOff`) on a registry hiccup. Those count only once the pod has been
 * waiting longer than a grace period; the others are failures the moment they are seen.
 */

/** Failing at first sight: retrying cannot fix them, or they already mean repeated failure. */
export const FATAL_WAIT_REASONS: ReadonlySet<string> = new Set([
  "CrashLoopBackOff",
  "InvalidImageName",
]);

/** Failing only when they persist past the grace period. */
export const TRANSIENT_WAIT_REASONS: ReadonlySet<string> = new Set([
  "CreateContainerConfigError",
  "CreateContainerError",
  "ErrImagePull",
  "ImagePullBackOff",
]);

/** Default of `SLIPWAY_WAIT_GRACE_SECONDS`. */
export const DEFAULT_WAIT_GRACE_MS = 30_000;

/** The fields of a pod this rule reads. */
export interface WaitingPod {
  metadata: { name: string; creationTimestamp?: string };
  status?: {
    startTime?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { state?: { waiting?: { reason?: string } } }[];
  };
}

export interface WaitJudgement {
  /** `pod: reason` for every container that is failing, sorted. */
  failing: string[];
  /** When a transient reason would turn into a failure if it persists; look again then. */
  recheckInMs?: number;
}

/**
 * Since when the pod has been not ready: its Ready condition's last transition (the kubelet
 * keeps it across status updates), else the kubelet's start time, else its creation. All are
 * the cluster's own timestamps, so the answer survives an operator restart.
 */
export function notReadySince(pod: WaitingPod): number | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
  const stamps = [
    ready?.status !== "True" ? ready?.lastTransitionTime : undefined,
    pod.status?.startTime,
    pod.metadata.creationTimestamp,
  ];
  for (const stamp of stamps) {
    const ms = stamp ? Date.parse(stamp) : Number.NaN;
    if (Number.isFinite(ms)) return ms;
  }
  return undefined;
}

/** Pure: the failing containers of these pods at `now`, and when to look again. */
export function judgeWaits(pods: WaitingPod[], now: Date, graceMs: number): WaitJudgement {
  const failing: string[] = [];
  let recheckInMs: number | undefined;
  for (const pod of pods) {
    for (const container of pod.status?.containerStatuses ?? []) {
      const reason = container.state?.waiting?.reason;
      if (!reason) continue;
      if (FATAL_WAIT_REASONS.has(reason)) {
        failing.push(`${pod.metadata.name}: ${reason}`);
        continue;
      }
      if (!TRANSIENT_WAIT_REASONS.has(reason)) continue;
      // Without any timestamp the wait cannot be measured; it counts from now (a recheck).
      const since = notReadySince(pod) ?? now.getTime();
      const left = since + graceMs - now.getTime();
      if (left <= 0) {
        failing.push(`${pod.metadata.name}: ${reason} for over ${Math.round(graceMs / 1000)} s`);
      } else {
        recheckInMs = Math.min(recheckInMs ?? left, left);
      }
    }
  }
  return { failing: failing.sort(), ...(recheckInMs !== undefined ? { recheckInMs } : {}) };
}
