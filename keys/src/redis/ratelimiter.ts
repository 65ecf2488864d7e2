import type { Redis } from "ioredis";
import { checkWindows, type WindowCheck, type WindowOutcome } from "./sliding-window.js";

export class RatelimitInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RatelimitInputError";
  }
}

export const ratelimitDuration = { min: 1000, max: 2_592_000_000 } as const;

export interface RatelimiterOptions {
  redis: Redis;
  /** What a check answers when Redis cannot: admit (default) or refuse. */
  whenRedisFails?: "open" | "closed";
  /** Passed in so tests drive time; default Redis's own clock, shared by every process. */
  now?: () => number;
  /** Told of each check answered without Redis (to log it); the counts are in `failures`. */
  onRedisFailure?: (error: unknown, answer: "open" | "closed") => void;
}

/** Counts of checks answered without Redis, by how they were answered. */
export interface RatelimiterFailures {
  failedOpen: number;
  failedClosed: number;
  lastError?: unknown;
}

export function validateWindowCheck(check: WindowCheck): void {
  const cost = check.cost ?? 1;
  if (!Number.isSafeInteger(check.limit) || check.limit < 0) {
    throw new RatelimitInputError("limit must be a non-negative integer");
  }
  if (
    !Number.isSafeInteger(check.duration) ||
    check.duration < ratelimitDuration.min ||
    check.duration > ratelimitDuration.max
  ) {
    throw new RatelimitInputError(
      `duration must be from ${ratelimitDuration.min} to ${ratelimitDuration.max} ms`,
    );
  }
  if (!Number.isSafeInteger(cost) || cost < 0) {
    throw new RatelimitInputError("cost must be a non-negative integer");
  }
}

/**
 * Exact shared limits over Redis (see sliding-window.ts), all-or-nothing across the checks of
 * one call. When Redis is down or slow (the client's `commandTimeout`), every check of the call
 * passes (fail-open) or fails (fail-closed), and the failure is counted.
 */
export function createRatelimiter(options: RatelimiterOptions) {
  const failOpen = (options.whenRedisFails ?? "open") === "open";
  const failures: RatelimiterFailures = { failedOpen: 0, failedClosed: 0 };

  return {
    failures,
    async check(checks: readonly WindowCheck[]): Promise<WindowOutcome> {
      for (const check of checks) validateWindowCheck(check);
      try {
        return await checkWindows(options.redis, checks, options.now?.());
      } catch (error) {
        failures.lastError = error;
        if (failOpen) failures.failedOpen++;
        else failures.failedClosed++;
        options.onRedisFailure?.(error, failOpen ? "open" : "closed");
        const now = options.now?.() ?? Date.now();
        return {
          passed: failOpen,
          answeredWithoutRedis: true,
          results: checks.map((check) => ({
            success: failOpen,
            limit: check.limit,
            remaining: failOpen ? Math.max(0, check.limit - (check.cost ?? 1)) : 0,
            reset: now + check.duration,
          })),
        };
      }
    },
  };
}

export type Ratelimiter = ReturnType<typeof createRatelimiter>;
