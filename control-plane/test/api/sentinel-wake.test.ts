import { WAKE_DEPLOYMENT_PATH } from "@slipway/shared/gateway";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLogs } from "../../src/db/schema/index.js";
import { startTestApi, type TestApi } from "../harness/api.js";
import {
  type DeploymentScope,
  insertDeployment,
  insertDeploymentScope,
  insertPreviewEnvironment,
  storedDeployment,
} from "../harness/deployment-rows.js";

// Sentinel's one way into the control plane: asking for an idle deployment to start when a
// request reaches it. Authenticated with Sentinel's own token, idempotent across Sentinels,
// audited like startDeployment.

const token = "wake-test-sentinel-token-0123456789abcdef";
const createdAt = new Date(Date.UTC(2026, 0, 1));

let api: TestApi;
let bare: TestApi;
let production: DeploymentScope;
let preview: DeploymentScope;

beforeAll(async () => {
  api = await startTestApi({ env: { SLIPWAY_SENTINEL_TOKEN: token } });
  bare = await startTestApi();
  api.secrets.add(token);
  production = await insertDeploymentScope(api.database.db, createdAt);
  preview = await insertPreviewEnvironment(api.database.db, production, createdAt);
});

const wake = (deploymentId: unknown, authorization: string | null = `Bearer ${token}`) =>
  fetch(`${api.url}${WAKE_DEPLOYMENT_PATH}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(authorization ? { authorization } : {}),
    },
    body: JSON.stringify({ deploymentId }),
  });

const auditRowsOf = (deploymentId: string) =>
  api.database.db
    .select()
    .from(auditLogs)
    .where(and(eq(auditLogs.targetType, "deployment"), eq(auditLogs.targetId, deploymentId)));

describe("POST /internal/sentinel/wakeDeployment", () => {
  it("starts an idle preview exactly once however many Sentinels ask at the same time", async () => {
    const id = await insertDeployment(api.database.db, preview, { status: "idle", createdAt });
    const responses = await Promise.all(Array.from({ length: 10 }, () => wake(id)));
    const bodies = await Promise.all(responses.map((response) => response.json()));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(bodies.map((body) => body.data)).toEqual(Array(10).fill({ state: "waking" }));
    expect((await storedDeployment(api.database.db, id)).status).toBe("deploying");

    const audit = await auditRowsOf(id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "deployment.start",
      actorType: "sentinel",
      actorId: "sentinel",
      workspaceId: preview.workspaceId,
      context: { via: "request" },
    });
    // The audit row names the request that asked, as for startDeployment.
    expect(bodies.map((body) => body.meta.requestId)).toContain(audit[0]!.requestId);
  });

  it("leaves a stopped, failed or ready deployment as it is and says it is not idle", async () => {
    for (const status of ["stopped", "failed", "ready"] as const) {
      const id = await insertDeployment(api.database.db, preview, { status, createdAt });
      const response = await wake(id);
      expect(response.status).toBe(200);
      expect((await response.json()).data).toEqual({ state: "not_idle" });
      expect((await storedDeployment(api.database.db, id)).status).toBe(status);
      expect(await auditRowsOf(id)).toEqual([]);
    }
  });

  it("refuses anyone without the Sentinel token, a tenant's root key included, before reading the body", async () => {
    const id = await insertDeployment(api.database.db, preview, { status: "idle", createdAt });
    const workspace = await api.newWorkspace("tenant");
    for (const authorization of [
      null,
      "Bearer wrong-token-wrong-token-wrong-token-00",
      `Bearer ${token}x`,
      `Basic ${token}`,
      `Bearer ${workspace.rootKey}`,
    ]) {
      const response = await wake(id, authorization);
      expect(response.status).toBe(401);
      const body = await response.json();
      expect(body).toMatchObject({
        meta: { requestId: expect.any(String) },
        error: { status: 401, title: "Unauthorized" },
      });
      expect(JSON.stringify(body)).not.toContain(token);
    }
    expect((await storedDeployment(api.database.db, id)).status).toBe("idle");
  });

  it("answers 404 for an unknown deployment and 400 for a malformed body", async () => {
    const unknown = await wake("dep_doesnotexist");
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.detail).toMatch(/dep_doesnotexist/);
    for (const bad of ["", 42, "x".repeat(300), "dep_\u0000x"]) {
      const response = await wake(bad);
      expect(response.status).toBe(400);
      expect((await response.json()).error.status).toBe(400);
    }
  });
});

describe("without SLIPWAY_SENTINEL_TOKEN", () => {
  it("lets nobody in", async () => {
    const response = await fetch(`${bare.url}${WAKE_DEPLOYMENT_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer anything-at-all" },
      body: JSON.stringify({ deploymentId: "dep_x" }),
    });
    expect(response.status).toBe(401);
  });
});
