import { Redis } from "ioredis";
import type { SentinelEnv } from "../config.js";
import type { InstanceSource } from "../routing/instances.js";
import { DeploymentWaker } from "./deployment-waker.js";
import { LastRequestReporter } from "./last-request-reporter.js";
import { ControlPlaneWakeRequester } from "./wake-requester.js";

type Log = (level: string, msg: string, fields?: Record<string, unknown>) => void;

/**
 * The wake-from-idle half of Sentinel as its config asks: a waker when the control plane is
 * configured, a last-request reporter when Redis is. Either may be absent.
 */
export function wakeFromConfig(config: SentinelEnv, instances: InstanceSource, log: Log) {
  const waker =
    config.SENTINEL_CONTROL_PLANE_URL && config.SENTINEL_CONTROL_PLANE_TOKEN
      ? new DeploymentWaker({
          requester: new ControlPlaneWakeRequester({
            baseUrl: config.SENTINEL_CONTROL_PLANE_URL,
            token: config.SENTINEL_CONTROL_PLANE_TOKEN,
          }),
          instances,
          timeoutMs: config.SENTINEL_WAKE_TIMEOUT_MS,
          now: () => performance.now(),
          onError: (error, context) =>
            log("warn", "could not wake a deployment", { ...context, err: String(error) }),
        })
      : undefined;
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: false })
    : undefined;
  redis?.on("error", (error) => log("warn", "redis error", { err: String(error) }));
  const activity = redis
    ? new LastRequestReporter({
        store: redis,
        prefix: `${config.SLIPWAY_QUEUE_PREFIX}:`,
        intervalMs: config.SENTINEL_LAST_REQUEST_INTERVAL_MS,
        clock: Date.now,
        onError: (error) =>
          log("warn", "could not record a last-request time", { err: String(error) }),
      })
    : undefined;
  return {
    waker,
    activity,
    close: () => redis?.disconnect(),
  };
}
