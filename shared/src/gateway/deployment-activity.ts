/**
 * The contract between Sentinel and the control plane about idle previews.
 *
 * Sentinel records when a deployment last had a request as one Redis string per deployment
 * (epoch milliseconds), written at most once per interval per Sentinel process, so the cost is
 * one SET per deployment every few seconds whatever the traffic. The control plane's preview
 * idler reads them with MGET.
 */
export const lastRequestKey = (prefix: string, deploymentId: string) =>
  `${prefix}last-request:${deploymentId}`;

/** A key outlives any idle threshold worth having, then Redis drops it. */
export const LAST_REQUEST_TTL_SECONDS = 7 * 24 * 3600;

/** `POST` path of the control plane's internal wake endpoint. */
export const WAKE_DEPLOYMENT_PATH = "/internal/sentinel/wakeDeployment";

/**
 * The control plane's answer: `waking` when the deployment is starting (this call started it,
 * or another did), `not_idle` when it is neither idle nor starting (stopped by a person,
 * failed, or ready with no instance for another reason): waiting would not help.
 */
export type WakeState = "waking" | "not_idle";
