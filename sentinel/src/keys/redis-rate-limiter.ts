import { createHash } from "node:crypto";
import { createRatelimiter } from "@slipway/keys";
import type { RateLimiter, RateLimitRequest, RateLimitResult } from "@slipway/shared/gateway";
import type { Redis } from "ioredis";

/** Identifiers are client-chosen (headers, paths): longer ones are hashed to bound key size. */
const identifierMax = 128;

/** Pure: the Redis key of one counter, under the process's prefix. */
export function ratelimitPolicyKey(prefix: string, request: RateLimitRequest): string {
  const identifier =
    request.identifier.length <= identifierMax
      ? request.identifier
      : `sha256:${createHash("sha256").update(request.identifier).digest("base64url")}`;
  return `${prefix}gateway:rl:${request.namespace}:${identifier}`;
}

/**
 * Ratelimit policies over the keys package's exact sliding windows in Redis: every Sentinel
 * process and replica counts in the same window. The namespace comes from the policy's content
 * (compile-policy.ts), so a setPolicies that keeps the policy keeps its counts. When Redis is
 * down the keys package's `whenRedisFails` decides (default: admit, counted).
 */
export function redisRateLimiter(options: {
  redis: Redis;
  prefix: string;
  whenRedisFails?: "open" | "closed";
}): RateLimiter & { failures: ReturnType<typeof createRatelimiter>["failures"] } {
  const limiter = createRatelimiter({
    redis: options.redis,
    ...(options.whenRedisFails ? { whenRedisFails: options.whenRedisFails } : {}),
  });
  return {
    failures: limiter.failures,
    async limit(request: RateLimitRequest): Promise<RateLimitResult> {
      const outcome = await limiter.check([
        {
          key: ratelimitPolicyKey(options.prefix, request),
          limit: request.limit,
          duration: request.windowMs,
          cost: request.cost,
        },
      ]);
      const result = outcome.results[0]!;
      return {
        success: outcome.passed,
        limit: result.limit,
        remaining: result.remaining,
        reset: result.reset,
      };
    },
  };
}
