import type { Deployment } from "../api/slipway";

/** Statuses a deployment never leaves on its own; polling stops there. */
const settledStatuses = new Set([
  "ready",
  "failed",
  "skipped",
  "stopped",
  "superseded",
  "cancelled",
]);

/** Pure: whether a deployment may still change by itself (so the page keeps asking). */
export function isInFlight(deployment: Pick<Deployment, "status">): boolean {
  return !settledStatuses.has(deployment.status) && deployment.status !== "awaiting_approval";
}

/** Pure: the status a person reads: an idle preview is shown as idle, not ready. */
export function displayStatus(deployment: Pick<Deployment, "status" | "idle">): string {
  if (deployment.idle) return "idle";
  return deployment.status === "pending" ? "queued" : deployment.status;
}

const statusLabels: Record<string, string> = {
  queued: "Queued",
  starting: "Starting",
  building: "Building",
  deploying: "Deploying",
  network: "Routing",
  finalizing: "Finalizing",
  ready: "Ready",
  failed: "Failed",
  skipped: "Skipped",
  awaiting_approval: "Awaiting approval",
  idle: "Idle",
  stopped: "Stopped",
  superseded: "Superseded",
  cancelled: "Cancelled",
};

export function statusLabel(status: string): string {
  return statusLabels[status] ?? status;
}

/** Pure: which of cancel / approve the Slipway extension offers for this status. */
export function extensionActions(
  deployment: Pick<Deployment, "status">,
): Array<"cancel" | "approve"> {
  const actions: Array<"cancel" | "approve"> = [];
  if (["pending", "starting", "building", "awaiting_approval"].includes(deployment.status)) {
    actions.push("cancel");
  }
  if (deployment.status === "awaiting_approval") actions.push("approve");
  return actions;
}

/** Pure: "2m 05s" from milliseconds. */
export function formatDuration(milliseconds: number): string {
  const totalSeconds = Math.max(0, Math.round(milliseconds / 1000));
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (minutes === 0) return `${seconds}s`;
  return `${minutes}m ${String(seconds).padStart(2, "0")}s`;
}

/** A human reading of a failure, and which setting fixes it. */
export function failureHelp(code: string): { hint: string; setting: "build" | "runtime" | "env" } {
  switch (code) {
    case "build_failed":
      return {
        hint: "The build failed: check the Dockerfile and root directory.",
        setting: "build",
      };
    case "no_schedulable_regions":
      return {
        hint: "No region could run it: check the environment's regions.",
        setting: "runtime",
      };
    case "cpu_quota_exceeded":
    case "memory_quota_exceeded":
    case "storage_quota_exceeded":
      return {
        hint: "It asked for more than the quota allows: lower the runtime size.",
        setting: "runtime",
      };
    case "invalid_runtime_settings":
      return { hint: "The runtime settings are not valid.", setting: "runtime" };
    default:
      return { hint: "The deployment failed.", setting: "env" };
  }
}
