import { LAST_REQUEST_TTL_SECONDS, lastRequestKey } from "@slipway/shared/gateway";

/** The one Redis command the reporter sends. */
export interface LastRequestStore {
  set(key: string, value: string, expiry: "EX", seconds: number): Promise<unknown>;
}

export interface LastRequestReporterOptions {
  store: LastRequestStore;
  /** `<SLIPWAY_QUEUE_PREFIX>:`, the control plane's key prefix. */
  prefix: string;
  /** At most one write per deployment per this many milliseconds. */
  intervalMs: number;
  /** Epoch milliseconds. */
  clock: () => number;
  onError?: (error: unknown) => void;
}

/** Past this many deployments remembered, the memory starts over (a few extra writes). */
const MAX_REMEMBERED = 10_000;

/**
 * Tells the control plane's preview idler when each deployment last had a request, cheaply:
 * one SET per deployment per interval from this process, off the request path (never awaited;
 * a Redis outage costs only a logged error, and the idler then sees an older time).
 */
export class LastRequestReporter {
  private readonly reportedAt = new Map<string, number>();

  constructor(private readonly options: LastRequestReporterOptions) {}

  seen(deploymentId: string): void {
    const now = this.options.clock();
    const last = this.reportedAt.get(deploymentId);
    if (last !== undefined && now - last < this.options.intervalMs) return;
    if (this.reportedAt.size >= MAX_REMEMBERED) this.reportedAt.clear();
    this.reportedAt.set(deploymentId, now);
    this.options.store
      .set(
        lastRequestKey(this.options.prefix, deploymentId),
        String(now),
        "EX",
        LAST_REQUEST_TTL_SECONDS,
      )
      .catch((error: unknown) => this.options.onError?.(error));
  }
}
