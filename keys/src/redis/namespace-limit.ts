import { matchOverride, type OverrideTable } from "../ratelimit-override.js";
import type { Ratelimiter } from "./ratelimiter.js";

export interface NamespaceLimitRequest {
  namespaceId: string;
  identifier: string;
  limit: number;
  duration: number;
  cost?: number;
}

/** The SDK's `V2RatelimitLimitResponseData` (and, with `passed`, a multiLimit check). */
export interface NamespaceLimitResult {
  limit: number;
  remaining: number;
  reset: number;
  success: boolean;
  overrideId?: string;
}

/**
 * `ratelimit.limit` / `ratelimit.multiLimit`: each request's override (if any) replaces its
 * limit and duration, then all are checked in one atomic script, all or nothing.
 */
export async function limitInNamespaces(
  ratelimiter: Ratelimiter,
  redisPrefix: string,
  requests: ReadonlyArray<NamespaceLimitRequest & { overrides: OverrideTable }>,
): Promise<{ passed: boolean; results: NamespaceLimitResult[]; answeredWithoutRedis?: true }> {
  const resolved = requests.map((request) => {
    const override = matchOverride(request.overrides, request.identifier);
    return {
      override,
      check: {
        // JSON keeps identifiers with ':' from running into the namespace id.
        key: `${redisPrefix}rl:ns:${request.namespaceId}:${JSON.stringify(request.identifier)}`,
        limit: override?.limit ?? request.limit,
        duration: override?.duration ?? request.duration,
        cost: request.cost ?? 1,
      },
    };
  });
  const outcome = await ratelimiter.check(resolved.map((entry) => entry.check));
  return {
    passed: outcome.passed,
    ...(outcome.answeredWithoutRedis && { answeredWithoutRedis: true as const }),
    results: outcome.results.map((result, i) => {
      const override = resolved[i]!.override;
      return {
        limit: result.limit,
        remaining: result.remaining,
        reset: result.reset,
        success: result.success,
        ...(override && { overrideId: override.id }),
      };
    }),
  };
}
