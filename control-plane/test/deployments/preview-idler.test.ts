import { lastRequestKey } from "@slipway/shared/gateway";
import { and, eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { auditLogs } from "../../src/db/schema/index.js";
import type { Job } from "../../src/jobs/job-types.js";
import type { FollowUpQueues } from "../../src/jobs/queues.js";
import { runPreviewIdlePass } from "../../src/services/preview-idler.js";
import { startTestApi, type TestApi } from "../harness/api.js";
import {
  type DeploymentScope,
  insertDeployment,
  insertDeploymentScope,
  insertPreviewEnvironment,
  storedDeployment,
} from "../harness/deployment-rows.js";

// Previews nobody requested for an hour scale to zero and read `idle`; production never does.
// Last-request times come from Redis exactly as Sentinel writes them.

const hour = 3_600_000;
const createdAt = new Date(Date.UTC(2026, 0, 1));
const now = new Date(Date.UTC(2026, 0, 2, 12));
const ago = (ms: number) => new Date(now.getTime() - ms);
const prefix = `idler-${process.pid}:`;

let api: TestApi;
let redis: Redis;
let production: DeploymentScope;
let preview: DeploymentScope;
let enqueued: Job[];
const jobs: FollowUpQueues = {
  enqueue: async (job: Job) => {
    enqueued.push(job);
  },
} as FollowUpQueues;

const pass = (at = now) =>
  runPreviewIdlePass({
    db: api.database.db,
    redis,
    redisPrefix: prefix,
    jobs,
    clock: () => at,
    idleAfterMs: hour,
  });

/** What Sentinel's last-request reporter writes. */
const requestedAt = (deploymentId: string, at: Date) =>
  redis.set(lastRequestKey(prefix, deploymentId), String(at.getTime()), "EX", 3600);

const ready = (scope: DeploymentScope, readySince: Date) =>
  insertDeployment(api.database.db, scope, {
    status: "ready",
    createdAt,
    updatedAt: readySince,
    hostnames: ["web-pr-7.preview.example"],
  });

beforeAll(async () => {
  api = await startTestApi();
  redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 1 });
  production = await insertDeploymentScope(api.database.db, createdAt);
  preview = await insertPreviewEnvironment(api.database.db, production, createdAt);
});
afterAll(() => redis?.disconnect());

describe("the preview idler", () => {
  it("idles a preview with no request for the threshold, audited, and scales it to zero", async () => {
    enqueued = [];
    const quiet = await ready(preview, ago(3 * hour));
    await requestedAt(quiet, ago(hour + 1));
    const neverRequested = await ready(preview, ago(hour));
    expect((await pass()).sort()).toEqual([quiet, neverRequested].sort());

    for (const id of [quiet, neverRequested]) {
      expect((await storedDeployment(api.database.db, id)).status).toBe("idle");
      const audit = await api.database.db
        .select()
        .from(auditLogs)
        .where(and(eq(auditLogs.targetType, "deployment"), eq(auditLogs.targetId, id)));
      expect(audit).toMatchObject([
        { action: "deployment.idle", actorType: "system", actorId: "preview-idler" },
      ]);
      // The power job makes the CR idle (zero replicas), as for a stop.
      expect(enqueued).toContainEqual({
        name: "deployment.power",
        data: { deploymentId: id, revision: `idle-${now.getTime()}` },
      });
    }
    // A second pass finds nothing more to do.
    expect(await pass()).toEqual([]);
  });

  it("keeps a preview that had a request within the threshold, or became ready since", async () => {
    const busy = await ready(preview, ago(5 * hour));
    await requestedAt(busy, ago(hour - 1000));
    const fresh = await ready(preview, ago(hour - 1000));
    // A request from before it last became ready (a stop and start since) counts from readiness.
    await requestedAt(fresh, ago(10 * hour));
    expect(await pass()).toEqual([]);
    expect((await storedDeployment(api.database.db, busy)).status).toBe("ready");
    expect((await storedDeployment(api.database.db, fresh)).status).toBe("ready");
  });

  it("never idles production, however long it went without a request", async () => {
    const live = await ready(production, ago(500 * hour));
    expect(await pass(new Date(now.getTime() + 100 * hour))).not.toContain(live);
    expect((await storedDeployment(api.database.db, live)).status).toBe("ready");
  });

  it("shows an idle preview through the API: ready to the SDK, idle: true, still at its hostnames", async () => {
    const workspace = await api.newWorkspace("idle-view");
    const own = await insertDeploymentScope(api.database.db, createdAt, workspace.workspaceId);
    const ownPreview = await insertPreviewEnvironment(api.database.db, own, createdAt);
    const id = await ready(ownPreview, ago(2 * hour));
    expect(await pass()).toEqual([id]);

    // The SDK's status enum is closed: it must still parse the answer.
    const viaSdk = await workspace.sdk.deployments.getDeployment({ deploymentId: id });
    expect(viaSdk.data.status).toBe("ready");
    expect(viaSdk.data.availableActions).toEqual(["stop"]);

    const raw = await (
      await api.post("/v2/deployments.getDeployment", { deploymentId: id }, workspace.rootKey)
    ).json();
    expect(raw.data).toMatchObject({
      status: "ready",
      idle: true,
      domains: ["web-pr-7.preview.example"],
    });
    const listed = await workspace.sdk.deployments.listDeployments({ status: ["ready"] });
    expect(listed.result.data.map((deployment) => deployment.id)).toContain(id);
  });
});
