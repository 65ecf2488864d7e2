import { PermissionQueryError, parsePermissionQuery } from "@slipway/keys";
import type { FieldError } from "@slipway/shared";
import type { Policy } from "@slipway/shared/policy";

/**
 * Pure: what the shared schema cannot know about a policy list. Permission queries are parsed
 * with the keys package's own parser (the one verification runs), and every keyspace a keyauth
 * policy names must be one of the workspace's: a policy may never verify another workspace's
 * keys, nor name a keyspace that does not exist (every request would then be a 401).
 */
export function policyProblems(
  policies: ReadonlyArray<{ policy: Policy; location: string }>,
  workspaceKeyspaces: ReadonlySet<string>,
): FieldError[] {
  const problems: FieldError[] = [];
  for (const { policy, location } of policies) {
    const keyauth = policy.keyauth;
    if (!keyauth) continue;
    keyauth.keyspaces.forEach((keyspace, index) => {
      if (!workspaceKeyspaces.has(keyspace)) {
        problems.push({
          location: `${location}.keyauth.keyspaces.${index}`,
          message: `keyspace (API) '${keyspace}' does not exist in this workspace`,
        });
      }
    });
    if (keyauth.permissionQuery !== undefined) {
      try {
        parsePermissionQuery(keyauth.permissionQuery);
      } catch (error) {
        if (!(error instanceof PermissionQueryError)) throw error;
        problems.push({
          location: `${location}.keyauth.permissionQuery`,
          message: error.message,
        });
      }
    }
  }
  return problems;
}

/** The keyspace ids the checks look up, once each. */
export function referencedKeyspaces(policies: readonly Policy[]): string[] {
  return [...new Set(policies.flatMap((policy) => policy.keyauth?.keyspaces ?? []))];
}
