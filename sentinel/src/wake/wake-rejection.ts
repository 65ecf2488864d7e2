import type { GatewayErrorCode } from "../respond/gateway-errors.js";
import type { WakeOutcome } from "./deployment-waker.js";

export interface WakeRejection {
  code: GatewayErrorCode;
  detail: string;
  headers: Record<string, string>;
}

/** A starting deployment takes seconds: a client retrying sooner only adds load. */
export const WAKE_RETRY_AFTER_SECONDS = 5;

/**
 * Pure: what a request gets when the deployment still has no ready instance after asking for a
 * wake. Every case is a 503 with Retry-After, in the API's envelope (the deny response).
 */
export function wakeRejection(
  outcome: Exclude<WakeOutcome, "ready">,
  timeoutMs: number,
): WakeRejection {
  const retry = { "retry-after": String(WAKE_RETRY_AFTER_SECONDS) };
  switch (outcome) {
    case "timeout":
      return {
        code: "service_unavailable",
        detail: `The app was idle and is starting, but had no ready instance within ${Math.round(timeoutMs / 1000)} s. Try again shortly.`,
        headers: retry,
      };
    case "failed":
      return {
        code: "service_unavailable",
        detail: "The app is idle and could not be started right now. Try again shortly.",
        headers: retry,
      };
    case "not_idle":
      return {
        code: "service_unavailable",
        detail: "The app has no ready instance.",
        headers: { "retry-after": "1" },
      };
  }
}
