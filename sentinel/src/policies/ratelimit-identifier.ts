import type { Principal } from "@slipway/shared/gateway";
import type { RatelimitIdentifier } from "@slipway/shared/policy";
import type { RequestView } from "../request/request-view.js";

/** A dotted path into the principal: `identity.externalId`, `meta.plan`, `keyId`. */
export function principalField(principal: Principal | undefined, path: string): unknown {
  let value: unknown = principal;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, part))
      return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function resolve(
  source: RatelimitIdentifier,
  request: RequestView,
  principal: Principal | undefined,
): string | null {
  if (source.remoteIp) return request.clientIp;
  if (source.header) return request.headers[source.header.name.toLowerCase()]?.[0] ?? null;
  if (source.authenticatedSubject) return principal?.keyId ?? null;
  if (source.path) return request.path;
  const value = principalField(principal, source.principalField!.path);
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The compound counter key. A source that cannot be resolved (no such header, no verified key
 * before this policy) is `null`: those requests share one counter rather than skipping the
 * limit, so leaving a header out is no way around it.
 */
export function ratelimitIdentifier(
  identifiers: readonly RatelimitIdentifier[],
  request: RequestView,
  principal: Principal | undefined,
): string {
  return JSON.stringify(identifiers.map((source) => resolve(source, request, principal)));
}
