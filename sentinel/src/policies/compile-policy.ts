import { createHash } from "node:crypto";
import type { KeyLocation, PolicyKind, StoredPolicy } from "@slipway/shared/policy";
import { policyKind } from "@slipway/shared/policy";
import { compileMatch, type RequestMatcher } from "./compile-match.js";

export interface CompiledPolicy {
  id: string;
  name: string;
  enabled: boolean;
  kind: PolicyKind;
  matches: RequestMatcher;
  policy: StoredPolicy;
  /** For ratelimit policies: the counter family (see rateLimitNamespace). */
  rateLimitNamespace?: string;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Counters belong to what the policy counts (environment, match, identifiers, window), not to
 * its id, which setPolicies regenerates: a setPolicies that keeps the policy keeps its counts,
 * and so does renaming it or changing its limit.
 */
export function rateLimitNamespace(environmentId: string, policy: StoredPolicy): string {
  const digest = createHash("sha256")
    .update(
      canonicalJson({
        environmentId,
        match: policy.match ?? [],
        identifiers: policy.ratelimit?.identifiers,
        windowMs: policy.ratelimit?.windowMs,
      }),
    )
    .digest("base64url")
    .slice(0, 22);
  return `${environmentId}:${digest}`;
}

/** Compiles regexes and matchers once per config snapshot, never per request. */
export function compilePolicies(environmentId: string, policies: readonly StoredPolicy[]) {
  return policies.map(
    (policy): CompiledPolicy => ({
      id: policy.id,
      name: policy.name,
      enabled: policy.enabled,
      kind: policyKind(policy),
      matches: compileMatch(policy.match),
      policy,
      ...(policy.ratelimit
        ? { rateLimitNamespace: rateLimitNamespace(environmentId, policy) }
        : {}),
    }),
  );
}

/** Header and query names that carry keys, redacted in logs (Authorization always). */
export function keyLocationsOf(policies: readonly StoredPolicy[]) {
  const headers = new Set(["authorization"]);
  const queryParams = new Set<string>();
  for (const policy of policies) {
    for (const location of (policy.keyauth?.locations ?? []) as KeyLocation[]) {
      if (location.header) headers.add(location.header.name.toLowerCase());
      if (location.queryParam) queryParams.add(location.queryParam.name);
    }
  }
  return { headers, queryParams };
}
