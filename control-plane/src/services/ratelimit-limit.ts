import { limitInNamespaces, type NamespaceLimitResult } from "@slipway/keys";
import type { ServiceContext } from "./context.js";
import { requireKeyRuntime } from "./keyspaces.js";
import { namespaceForLimit } from "./ratelimit-namespaces.js";

export interface LimitRequest {
  namespace: string;
  identifier: string;
  limit: number;
  duration: number;
  cost: number;
}

/**
 * The checks of one call, each with its namespace's override applied, in one atomic Redis
 * script: all are admitted or none (so a multiLimit that fails one check spends nothing).
 * Namespaces are resolved (and created on first use) one after another, in request order.
 */
async function checkLimits(ctx: ServiceContext, requests: readonly LimitRequest[]) {
  const keys = requireKeyRuntime(ctx);
  const resolved = [];
  const namespaces = new Map<string, Awaited<ReturnType<typeof namespaceForLimit>>>();
  for (const request of requests) {
    let namespace = namespaces.get(request.namespace);
    if (!namespace) {
      namespace = await namespaceForLimit(ctx, request.namespace);
      namespaces.set(request.namespace, namespace);
    }
    resolved.push({
      namespaceId: namespace.id,
      identifier: request.identifier,
      limit: request.limit,
      duration: request.duration,
      cost: request.cost,
      overrides: namespace.overrides,
    });
  }
  return await limitInNamespaces(keys.ratelimiter, keys.redisPrefix, resolved);
}

/** `ratelimit.limit`: always a 200; `success` says whether the request may go on. */
export async function limit(
  ctx: ServiceContext,
  request: LimitRequest,
): Promise<NamespaceLimitResult> {
  const outcome = await checkLimits(ctx, [request]);
  return outcome.results[0]!;
}

/** `ratelimit.multiLimit`: `passed` only when every check passed; otherwise none consumed. */
export async function multiLimit(ctx: ServiceContext, requests: readonly LimitRequest[]) {
  const outcome = await checkLimits(ctx, requests);
  return {
    passed: outcome.passed,
    limits: outcome.results.map(({ success, ...result }, i) => ({
      namespace: requests[i]!.namespace,
      identifier: requests[i]!.identifier,
      ...result,
      passed: success,
    })),
  };
}
