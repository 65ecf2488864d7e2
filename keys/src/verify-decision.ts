import type {
  IdentityData,
  LoadedKey,
  RatelimitConfig,
  RequestedRatelimit,
  VerifyCode,
  VerifyKeyResponseData,
} from "./verify-types.js";

/** A verify names a ratelimit the key and its identity do not have, without limit+duration. */
export class UnknownRatelimitError extends Error {
  constructor(readonly ratelimitName: string) {
    super(`the key has no ratelimit named '${ratelimitName}'`);
    this.name = "UnknownRatelimitError";
  }
}

/**
 * The first checks, before any counter is touched: a key of another workspace or keyspace is
 * NOT_FOUND like a missing one (its existence does not leak), then disabled, then expired.
 */
export function keyStateCode(
  key: LoadedKey | undefined,
  scope: { workspaceId: string; keyspaceIds?: readonly string[] },
  now: number,
): VerifyCode | undefined {
  if (!key || key.workspaceId !== scope.workspaceId) return "NOT_FOUND";
  if (scope.keyspaceIds && !scope.keyspaceIds.includes(key.keyspaceId)) return "NOT_FOUND";
  if (!key.enabled) return "DISABLED";
  if (key.expires !== undefined && key.expires <= now) return "EXPIRED";
  return undefined;
}

export interface PlannedRatelimit {
  config: RatelimitConfig;
  /** The Redis window: the key's own, or the identity's (shared by all its keys). */
  scope: { kind: "key"; keyId: string } | { kind: "identity"; identityId: string };
  cost: number;
}

/**
 * Which limits a verify applies: every auto-applied one and every one named in the request,
 * once each by name. A key's limit wins over its identity's of the same name. A name neither
 * has is an error unless the request gives `limit` and `duration` (an inline, key-scoped limit).
 */
export function planRatelimits(
  key: LoadedKey,
  requested: readonly RequestedRatelimit[] = [],
): PlannedRatelimit[] {
  // Most verifies apply none: nothing named and nothing auto-applied.
  if (requested.length === 0 && !hasAutoApplied(key)) return [];
  const byName = new Map<string, PlannedRatelimit>();
  const owned = (name: string): Omit<PlannedRatelimit, "cost"> | undefined => {
    const own = key.ratelimits.find((limit) => limit.name === name);
    if (own) return { config: own, scope: { kind: "key", keyId: key.id } };
    const shared = key.identity?.ratelimits.find((limit) => limit.name === name);
    if (shared && key.identity) {
      return { config: shared, scope: { kind: "identity", identityId: key.identity.id } };
    }
    return undefined;
  };
  for (const request of requested) {
    const found = owned(request.name);
    let planned: PlannedRatelimit;
    if (found) {
      planned = {
        config: {
          ...found.config,
          limit: request.limit ?? found.config.limit,
          duration: request.duration ?? found.config.duration,
        },
        scope: found.scope,
        cost: request.cost ?? 1,
      };
    } else if (request.limit !== undefined && request.duration !== undefined) {
      planned = {
        config: {
          id: "",
          name: request.name,
          limit: request.limit,
          duration: request.duration,
          autoApply: false,
        },
        scope: { kind: "key", keyId: key.id },
        cost: request.cost ?? 1,
      };
    } else {
      throw new UnknownRatelimitError(request.name);
    }
    byName.set(request.name, planned);
  }
  const autoApplied = [...key.ratelimits, ...(key.identity?.ratelimits ?? [])];
  for (const config of autoApplied) {
    if (!config.autoApply || byName.has(config.name)) continue;
    const found = owned(config.name)!;
    byName.set(config.name, { ...found, cost: 1 });
  }
  return [...byName.values()];
}

function hasAutoApplied(key: LoadedKey): boolean {
  for (const config of key.ratelimits) if (config.autoApply) return true;
  for (const config of key.identity?.ratelimits ?? []) if (config.autoApply) return true;
  return false;
}

export function identityData(key: LoadedKey): IdentityData | undefined {
  if (!key.identity) return undefined;
  return {
    id: key.identity.id,
    externalId: key.identity.externalId,
    ...(key.identity.meta && { meta: key.identity.meta }),
    ...(key.identity.ratelimits.length > 0 && { ratelimits: key.identity.ratelimits }),
  };
}

/** The fields every answer about a found key carries (in this order; optional ones when set). */
export function keyResponse(
  key: LoadedKey,
  code: VerifyCode,
  extra?: Partial<VerifyKeyResponseData>,
): VerifyKeyResponseData {
  // Assigned field by field rather than spread: this runs on every verify of a found key.
  const response: VerifyKeyResponseData = { valid: code === "VALID", code, keyId: key.id };
  if (key.name !== undefined) response.name = key.name;
  if (key.meta) response.meta = key.meta;
  if (key.expires !== undefined) response.expires = key.expires;
  response.enabled = key.enabled;
  const identity = identityData(key);
  if (identity) response.identity = identity;
  if (extra) Object.assign(response, extra);
  return response;
}

export function notFound(): VerifyKeyResponseData {
  return { valid: false, code: "NOT_FOUND" };
}
