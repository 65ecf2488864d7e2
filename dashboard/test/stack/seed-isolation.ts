import { maintainRequestLogPartitions, PgRequestLogSink } from "@slipway/request-logs";
import type { Database } from "../../../control-plane/src/db/client.js";
import { githubInstallations } from "../../../control-plane/src/db/schema/index.js";
import {
  insertDeployment,
  insertDeploymentScope,
} from "../../../control-plane/test/harness/deployment-rows.js";
import { apiCaller } from "../stack-child.js";

export interface OtherWorkspaceObjects {
  projectId: string;
  projectSlug: string;
  apiId: string;
  keyId: string;
}

/**
 * The second workspace's own objects, made through the public API with its root key (as a
 * person would), so the isolation tests have something of B's to look for from A's session.
 */
export async function seedOtherWorkspace(
  apiUrl: string,
  rootKey: string,
): Promise<OtherWorkspaceObjects> {
  const call = apiCaller(apiUrl, rootKey);
  const projectSlug = "b-site";
  const project = await call<{ id: string }>("projects.createProject", {
    name: "B site",
    slug: projectSlug,
  });
  const api = await call<{ apiId: string }>("apis.createApi", { name: "b-keys" });
  const key = await call<{ keyId: string }>("keys.createKey", {
    apiId: api.apiId,
    name: "b-secret-key",
  });
  return { projectId: project.id, projectSlug, apiId: api.apiId, keyId: key.keyId };
}

/** GitHub App installation `installationId`, owned by `accountLogin`, bound to a workspace. */
export async function bindInstallation(
  db: Database,
  workspaceId: string,
  installationId: number,
  accountLogin: string,
) {
  await db.insert(githubInstallations).values({
    installationId: String(installationId),
    workspaceId,
    accountLogin,
    createdAt: new Date(),
  });
}

/**
 * `count` request-log rows in a workspace of their own, one a second back from now, so the
 * 10 000-row test does not change what the other specs' tables show. The oldest row's path is
 * `/bulk/0`; written in bulk through the same sink Sentinel uses.
 */
export async function seedBulkRequestLogs(db: Database, workspaceId: string, count: number) {
  const now = Date.now();
  const scope = await insertDeploymentScope(db, new Date(now - 3_600_000), workspaceId);
  const deploymentId = await insertDeployment(db, scope, {
    status: "ready",
    createdAt: new Date(now - 3_600_000),
  });
  await maintainRequestLogPartitions(db.$client, now, { retentionDays: 7, daysAhead: 1 });
  // One row a second, oldest first: all within the page's default window (the last 24 hours).
  const oldest = now - count * 1000;
  const records = Array.from({ length: count }, (_, index) => ({
    time: oldest + index * 1000,
    requestId: `req_bulk_${index}`,
    host: "bulk.acme.test",
    method: "GET",
    path: `/bulk/${index}`,
    status: 200,
    totalLatencyMs: 5,
    upstreamLatencyMs: 4,
    sentinelLatencyMs: 1,
    region: "eu-1",
    deploymentId,
    environmentId: scope.environmentId,
    outcome: "allowed" as const,
    clientIp: "203.0.113.9",
  }));
  await new PgRequestLogSink(db.$client).write(records);
  return { count, oldestPath: "/bulk/0", newestPath: `/bulk/${count - 1}` };
}
