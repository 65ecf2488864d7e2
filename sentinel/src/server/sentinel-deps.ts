import type { BlockList } from "node:net";
import type { KeyVerifier, RateLimiter } from "@slipway/shared/gateway";
import type { Forwarder } from "../forward/upstream.js";
import type { LogBatcher } from "../logs/log-batcher.js";
import type { RequestMetrics } from "../metrics/request-metrics.js";
import type { RegionPreference } from "../routing/choose-instances.js";
import type { InstanceSource } from "../routing/instances.js";
import type { RouteTable } from "../routing/route-table.js";
import type { DeploymentWaker } from "../wake/deployment-waker.js";
import type { LastRequestReporter } from "../wake/last-request-reporter.js";

export interface SentinelSettings {
  region: RegionPreference;
  trustedProxies: BlockList;
  maxHops: number;
  stripCredentials: boolean;
  /** Instances tried per request; only connect failures move on to the next. */
  maxAttempts: number;
}

/** Everything the request path uses, passed in (tests drive faults and time through it). */
export interface SentinelDeps {
  settings: SentinelSettings;
  routes: RouteTable;
  instances: InstanceSource;
  keyVerifier: KeyVerifier;
  rateLimiter: RateLimiter;
  forwarders: { http1: Forwarder; h2c: Forwarder };
  logs: Pick<LogBatcher, "push">;
  /** Counters for the admin port; none in tests that do not read them. */
  metrics?: Pick<RequestMetrics, "request">;
  /** Wakes an idle deployment with no ready instance; without one, such a request is a 503. */
  waker?: Pick<DeploymentWaker, "wake" | "timeoutMs">;
  /** Records that a deployment had a request, for the control plane's preview idler. */
  activity?: Pick<LastRequestReporter, "seen">;
  /** Epoch milliseconds. */
  clock: () => number;
  /** Monotonic milliseconds for latencies. */
  monotonic: () => number;
  newRequestId: () => string;
  onError?: (error: unknown, context: Record<string, unknown>) => void;
}
