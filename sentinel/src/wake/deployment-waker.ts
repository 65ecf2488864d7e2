import { setTimeout as sleep } from "node:timers/promises";
import type { InstanceSource } from "../routing/instances.js";
import type { WakeRequester } from "./wake-requester.js";

/**
 * How a wake ended: `ready` (an instance is ready now), `not_idle` (the control plane says the
 * deployment is not idle, so waiting would not help), `timeout`, or `failed` (the control plane
 * could not be asked).
 */
export type WakeOutcome = "ready" | "not_idle" | "timeout" | "failed";

export interface DeploymentWakerOptions {
  requester: WakeRequester;
  instances: InstanceSource;
  /** Longest a wake waits for a ready instance (`SENTINEL_WAKE_TIMEOUT_MS`). */
  timeoutMs: number;
  /** How often the instance cache is looked at while waiting (a synchronous map read). */
  pollMs?: number;
  /** After `not_idle`, requests for that deployment are answered at once for this long. */
  notIdleMemoryMs?: number;
  /** Monotonic milliseconds. */
  now: () => number;
  onError?: (error: unknown, context: Record<string, unknown>) => void;
}

const hasInstances = (source: InstanceSource, deploymentId: string) =>
  [...source.instances(deploymentId).values()].some((list) => list.length > 0);

/**
 * Wakes idle deployments on request. Concurrent requests for one deployment share one wake
 * (single-flight: one call to the control plane, one wait), which ends when the EndpointSlice
 * source lists a ready instance or the timeout passes, whichever is first. Memory is one entry
 * per deployment being woken or recently found not idle.
 */
export class DeploymentWaker {
  private readonly inFlight = new Map<string, Promise<WakeOutcome>>();
  private readonly notIdleUntil = new Map<string, number>();
  /** Wakes started (calls to the control plane), for the metric. */
  wakes = 0;
  readonly timeoutMs: number;

  constructor(private readonly options: DeploymentWakerOptions) {
    this.timeoutMs = options.timeoutMs;
  }

  wake(deploymentId: string): Promise<WakeOutcome> {
    const remembered = this.notIdleUntil.get(deploymentId);
    if (remembered !== undefined) {
      if (this.options.now() < remembered) return Promise.resolve("not_idle");
      this.notIdleUntil.delete(deploymentId);
    }
    let wake = this.inFlight.get(deploymentId);
    if (!wake) {
      wake = this.run(deploymentId).finally(() => this.inFlight.delete(deploymentId));
      this.inFlight.set(deploymentId, wake);
    }
    return wake;
  }

  private async run(deploymentId: string): Promise<WakeOutcome> {
    const { options } = this;
    this.wakes += 1;
    const deadline = options.now() + options.timeoutMs;
    let state: Awaited<ReturnType<WakeRequester["requestWake"]>>;
    try {
      state = await options.requester.requestWake(
        deploymentId,
        AbortSignal.timeout(Math.max(1, options.timeoutMs)),
      );
    } catch (error) {
      options.onError?.(error, { stage: "wake", deploymentId });
      return "failed";
    }
    if (state === "not_idle") {
      this.notIdleUntil.set(deploymentId, options.now() + (options.notIdleMemoryMs ?? 2_000));
      return "not_idle";
    }
    const pollMs = options.pollMs ?? 50;
    while (!hasInstances(options.instances, deploymentId)) {
      const left = deadline - options.now();
      if (left <= 0) return "timeout";
      await sleep(Math.min(pollMs, left));
    }
    return "ready";
  }
}
