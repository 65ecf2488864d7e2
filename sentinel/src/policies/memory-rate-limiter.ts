import type { RateLimiter, RateLimitRequest, RateLimitResult } from "@slipway/shared/gateway";

/**
 * Fixed-window counters in this process, for development and tests. Production uses the keys
 * package's Redis limiter, shared by every Sentinel replica.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async limit(request: RateLimitRequest): Promise<RateLimitResult> {
    const now = this.now();
    const start = Math.floor(now / request.windowMs) * request.windowMs;
    const key = `${request.namespace}\u0000${request.identifier}`;
    let window = this.windows.get(key);
    if (!window || window.start !== start) {
      if (this.windows.size > 100_000) this.windows.clear();
      window = { start, used: 0 };
      this.windows.set(key, window);
    }
    const success = window.used + request.cost <= request.limit;
    if (success) window.used += request.cost;
    return {
      success,
      limit: request.limit,
      remaining: request.limit - window.used,
      reset: start + request.windowMs,
    };
  }
}
