import { maintainRequestLogPartitions, PgRequestLogSink } from "@slipway/request-logs";
import { newId } from "@slipway/shared";
import { eq } from "drizzle-orm";
import type { Database } from "../../../control-plane/src/db/client.js";
import { insertAuditLog } from "../../../control-plane/src/db/repositories/audit-log-repository.js";
import { apps, deploymentLogs, domains } from "../../../control-plane/src/db/schema/index.js";
import {
  insertDeployment,
  insertDeploymentScope,
  insertPreviewEnvironment,
} from "../../../control-plane/test/harness/deployment-rows.js";

/** The verified domain of the seeded production environment: Sentinel routes it to `current`. */
export const sentinelHost = "storefront.acme.test";

export interface Seeded {
  /** The seeded project's id (slug `shop`); its audit trail starts with project.create. */
  projectId: string;
  building: string;
  awaitingApproval: string;
  failed: string;
  skipped: string;
  current: string;
  previous: string;
}

/**
 * The rows a person would have after a few pushes: one app with deployments in every state the
 * cards show, a build log, and request logs. Written directly, as the control plane's own test
 * harness does: these are starting points, not the transitions under test.
 */
export async function seedWorkspace(db: Database, workspaceId: string): Promise<Seeded> {
  const now = Date.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000);
  const scope = await insertDeploymentScope(db, at(120), workspaceId);
  const preview = await insertPreviewEnvironment(db, scope, at(110));
  const git = (branch: string, sha: string) => ({
    gitBranch: branch,
    gitCommitSha: sha.padEnd(40, "0"),
    gitRepository: "acme/storefront",
    gitAuthor: "octocat",
  });
  const previous = await insertDeployment(db, scope, {
    status: "ready",
    createdAt: at(90),
    updatedAt: at(88),
    ...git("main", "a1b2c3d"),
  });
  const current = await insertDeployment(db, scope, {
    status: "ready",
    createdAt: at(60),
    updatedAt: at(57),
    hostnames: ["storefront-production.slipway.test"],
    ...git("main", "b2c3d4e"),
  });
  await db.update(apps).set({ currentDeploymentId: current }).where(eq(apps.id, scope.appId));
  // Verification needs DNS; what Sentinel reads is the verified row.
  await db.insert(domains).values({
    id: newId("domain"),
    workspaceId,
    projectId: scope.projectId,
    appId: scope.appId,
    environmentId: scope.environmentId,
    domain: sentinelHost,
    isApex: false,
    status: "verified",
    verificationToken: "seeded",
    verificationStartedAt: at(120),
    routingVerified: true,
    ownershipVerified: true,
    createdAt: at(120),
  });
  const failed = await insertDeployment(db, scope, {
    status: "failed",
    createdAt: at(50),
    updatedAt: at(49),
    errorCode: "build_failed",
    errorStep: "build",
    errorMessage: "RUN npm ci exited with code 1",
    ...git("main", "c3d4e5f"),
  });
  const skipped = await insertDeployment(db, scope, {
    status: "skipped",
    createdAt: at(40),
    skipReason: "no changed file matches the watch paths (docs/**)",
    ...git("main", "d4e5f60"),
  });
  const awaitingApproval = await insertDeployment(db, preview, {
    status: "awaiting_approval",
    trigger: "pull_request",
    createdAt: at(30),
    pullRequestNumber: 7,
    forkRepository: "mallory/storefront",
    ...git("fix-typo", "e5f6071"),
  });
  await insertDeployment(db, preview, {
    status: "stopped",
    createdAt: at(25),
    ...git("feature-x", "f607182"),
  });
  await insertDeployment(db, preview, {
    status: "idle",
    createdAt: at(20),
    ...git("feature-y", "0718293"),
  });
  const building = await insertDeployment(db, scope, {
    status: "building",
    createdAt: at(2),
    ...git("main", "1829304"),
  });
  await db.insert(deploymentLogs).values(
    [
      "Cloning acme/storefront at 1829304",
      "Step 1/4 : FROM node:20-slim",
      "Step 2/4 : RUN npm ci",
    ].map((line, index) => ({
      workspaceId,
      deploymentId: building,
      seq: index + 1,
      at: at(2),
      step: "build",
      stream: "stdout" as const,
      line,
    })),
  );
  const audit = (minutesAgo: number, action: string, targetType: string, targetId: string) =>
    insertAuditLog(db, {
      workspaceId,
      actor: { type: "root_key", id: "key_seededowner" },
      requestId: `req_audit_${minutesAgo}`,
      at: at(minutesAgo),
      action,
      targetType,
      targetId,
    });
  await audit(121, "project.create", "project", scope.projectId);
  await audit(120, "app.create", "app", scope.appId);
  await audit(100, "environment.update_settings", "environment", scope.environmentId);
  await audit(45, "environment.set_variables", "environment", scope.environmentId);
  await audit(30, "deployment.create", "deployment", awaitingApproval);
  await audit(2, "deployment.create", "deployment", building);

  await maintainRequestLogPartitions(db.$client, now, { retentionDays: 7, daysAhead: 1 });
  const request = (minutesAgo: number, method: string, path: string, status: number) => ({
    time: now - minutesAgo * 60_000,
    requestId: `req_seed_${minutesAgo}`,
    host: "shop.acme.test",
    method,
    path,
    status,
    totalLatencyMs: 12 + minutesAgo,
    upstreamLatencyMs: 10,
    sentinelLatencyMs: 1,
    region: "eu-1",
    deploymentId: current,
    environmentId: scope.environmentId,
    outcome: status === 403 ? ("denied" as const) : ("allowed" as const),
    clientIp: "203.0.113.7",
  });
  await new PgRequestLogSink(db.$client).write([
    request(1, "GET", "/", 200),
    request(2, "GET", "/cart", 200),
    request(3, "POST", "/api/checkout", 500),
    request(4, "GET", "/missing-page", 404),
    request(5, "DELETE", "/api/admin", 403),
  ]);
  return {
    projectId: scope.projectId,
    building,
    awaitingApproval,
    failed,
    skipped,
    current,
    previous,
  };
}
