import { createHash } from "node:crypto";
import type { ConfigSnapshot, RouteConfig } from "@slipway/shared/gateway";
import { policyLimits, policySchema, type StoredPolicy } from "@slipway/shared/policy";
import { z } from "zod";

/** One row of the control plane's `gateway_routes` view (migration 0009), as node-postgres reads it. */
export interface GatewayRouteRow {
  /** `domain`: the app's current deployment on its environment's verified domains; `preview`. */
  kind: string;
  deployment_id: string;
  workspace_id: string;
  environment_id: string;
  hosts: string[];
  upstream_protocol: string;
  policies: unknown;
}

/** A route the rows describe but Sentinel refuses to serve; its hosts answer 404 (fail closed). */
export interface RouteProblem {
  deploymentId: string;
  reason: string;
}

const storedPoliciesSchema = z
  .array(z.intersection(z.object({ id: z.string().min(1) }), policySchema))
  .max(policyLimits.policiesPerEnvironment);

const hostnamePattern = /^[a-z0-9.-]{1,253}$/;

/** Domains win over preview names; among equals, the older deployment (smaller id) keeps it. */
function precedence(a: GatewayRouteRow, b: GatewayRouteRow): number {
  if (a.kind !== b.kind) return a.kind === "domain" ? -1 : 1;
  return a.deployment_id < b.deployment_id ? -1 : a.deployment_id > b.deployment_id ? 1 : 0;
}

function parseRow(row: GatewayRouteRow): RouteConfig | RouteProblem {
  if (row.upstream_protocol !== "http1" && row.upstream_protocol !== "h2c") {
    return {
      deploymentId: row.deployment_id,
      reason: `unknown upstream protocol '${row.upstream_protocol}'`,
    };
  }
  const policies = storedPoliciesSchema.safeParse(row.policies);
  if (!policies.success) {
    return {
      deploymentId: row.deployment_id,
      reason: `stored policies do not parse: ${policies.error.issues[0]?.message ?? "invalid"}`,
    };
  }
  return {
    hosts: row.hosts.map((host) => host.toLowerCase()).filter((h) => hostnamePattern.test(h)),
    environmentId: row.environment_id,
    workspaceId: row.workspace_id,
    deploymentId: row.deployment_id,
    upstreamProtocol: row.upstream_protocol,
    policies: policies.data as StoredPolicy[],
  };
}

/**
 * Pure: the rows of `gateway_routes` → the snapshot Sentinel serves. Each host goes to exactly
 * one route (domains before previews, then the lowest deployment id); a route whose policies
 * do not parse is left out whole, so its hosts answer 404 rather than run without their
 * policies. The version is a digest of the content: an unchanged reload is recognisable.
 */
export function snapshotFromRows(rows: readonly GatewayRouteRow[]): {
  snapshot: ConfigSnapshot;
  problems: RouteProblem[];
} {
  const problems: RouteProblem[] = [];
  const claimed = new Set<string>();
  const routes: RouteConfig[] = [];
  for (const row of [...rows].sort(precedence)) {
    const parsed = parseRow(row);
    if (!("hosts" in parsed)) {
      problems.push(parsed);
      for (const host of row.hosts) claimed.add(host.toLowerCase());
      continue;
    }
    const hosts = parsed.hosts.filter((host) => !claimed.has(host));
    for (const host of hosts) claimed.add(host);
    if (hosts.length > 0) routes.push({ ...parsed, hosts });
  }
  routes.sort((a, b) => (a.hosts[0]! < b.hosts[0]! ? -1 : 1));
  const version = createHash("sha256").update(JSON.stringify(routes)).digest("base64url");
  return { snapshot: { version: version.slice(0, 22), routes }, problems };
}
