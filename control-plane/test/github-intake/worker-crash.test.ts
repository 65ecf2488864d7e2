import type { ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { count, isNotNull } from "drizzle-orm";
import { Redis } from "ioredis";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { deployments, githubDeliveries, githubInstallations } from "../../src/db/schema/index.js";
import { createJobQueues } from "../../src/jobs/queues.js";
import { startTestApi, type TestApi } from "../harness/api.js";
import { uniqueRedisPrefix } from "../harness/database.js";
import { sign, webhookSecret } from "../harness/pipeline.js";
import { workerProcesses } from "../harness/worker-process.js";

const deliveries = 300;
const prefix = uniqueRedisPrefix();
const encryptionKeys = `v1:${randomBytes(32).toString("base64")}`;
let api: TestApi;
let redis: Redis;
const workers = workerProcesses();

beforeAll(async () => {
  redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  const queues = createJobQueues({ connection: redis, prefix });
  api = await startTestApi({
    queues,
    env: { GITHUB_WEBHOOK_SECRET: webhookSecret, SLIPWAY_ENCRYPTION_KEYS: encryptionKeys },
  });
  const workspace = await api.newWorkspace();
  // Setup only: the App installation this test's deliveries name belongs to the workspace.
  await api.database.db.insert(githubInstallations).values({
    installationId: "7",
    workspaceId: workspace.workspaceId,
    accountLogin: "acme",
    createdAt: new Date(),
  });
  await workspace.sdk.projects.createProject({ name: "Crash", slug: "crash" });
  await workspace.sdk.apps.createApp({
    project: "crash",
    name: "App",
    slug: "app",
    git: { repository: "acme/crash", defaultBranch: "main" },
  });
  return async () => {
    await queues.close();
    redis.disconnect();
  };
});

function startWorker(): ChildProcess {
  return workers.start({
    DATABASE_URL: api.database.url,
    REDIS_URL: inject("redisUrl"),
    SLIPWAY_ENCRYPTION_KEYS: encryptionKeys,
    SLIPWAY_QUEUE_PREFIX: prefix,
    SLIPWAY_JOB_LOCK_MS: "1500",
  });
}

async function processedCount(): Promise<number> {
  const [row] = await api.database.db
    .select({ n: count() })
    .from(githubDeliveries)
    .where(isNotNull(githubDeliveries.processedAt));
  return row!.n;
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("a worker killed mid-pipeline", () => {
  it("leaves no delivery behind and no deployment twice once another worker takes over", async () => {
    for (let i = 0; i < deliveries; i++) {
      const body = JSON.stringify({
        ref: "refs/heads/main",
        before: "1".repeat(40),
        after: randomBytes(20).toString("hex"),
        created: false,
        deleted: false,
        commits: [{ added: ["src/app.ts"], modified: [], removed: [] }],
        head_commit: { message: `change ${i}` },
        repository: { full_name: "acme/crash" },
        installation: { id: 7 },
      });
      const response = await fetch(`${api.url}/webhooks/github`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "push",
          "x-github-delivery": randomUUID(),
          "x-hub-signature-256": sign(body),
        },
        body,
      });
      expect(response.status).toBe(202);
    }

    const first = startWorker();
    await waitFor(async () => (await processedCount()) >= 20, "the first worker to get going");
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const atKill = await processedCount();
    expect(atKill).toBeLessThan(deliveries);

    startWorker();
    await waitFor(
      async () => (await processedCount()) === deliveries,
      "every delivery to be processed",
    );
    const [made] = await api.database.db.select({ n: count() }).from(deployments);
    expect(made!.n).toBe(deliveries);
  }, 120_000);
});
