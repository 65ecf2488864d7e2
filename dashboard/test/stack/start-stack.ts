import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { and, eq } from "drizzle-orm";
import { Redis } from "ioredis";
import pg from "pg";
import { buildApp } from "../../../control-plane/src/app.js";
import { loadConfig } from "../../../control-plane/src/config.js";
import { connectDatabase } from "../../../control-plane/src/db/client.js";
import { runMigrations } from "../../../control-plane/src/db/migrate.js";
import { apps } from "../../../control-plane/src/db/schema/index.js";
import { startPostgres } from "../../../control-plane/src/local/postgres.js";
import { startRedis } from "../../../control-plane/src/local/redis.js";
import { makePlatformClients } from "../../../control-plane/src/platform-clients.js";
import { createWorkspaceWithRootKey } from "../../../control-plane/src/services/workspaces.js";
import { runStackChild } from "../stack-child.js";
import { connectRepository, stackDns, startOutsideWorld } from "./outside-world.js";
import { seedWorkspace, sentinelHost } from "./seed.js";
import { bindInstallation, seedBulkRequestLogs, seedOtherWorkspace } from "./seed-isolation.js";
import { startSentinel, startTinyUpstream } from "./sentinel.js";
import { makeSessionShim } from "./session-shim.js";
import { startStaticServer } from "./static-server.js";

/**
 * The browser tests' world, in one child process: a throwaway PostgreSQL and Redis, the real
 * control-plane API on a free port, the fake GitHub (App installation bound to the owner's
 * workspace), three seeded workspaces (owner, other, bulk), and dist/ served at `/` in front of
 * the API. Prints one `STACK {json}` line when ready; stops everything on SIGTERM or when its
 * parent closes stdin.
 */
const stops: Array<() => Promise<unknown>> = [];
async function stopAll() {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), "slipway-dashboard-"));
  chmodSync(scratch, 0o755);
  stops.push(async () => rmSync(scratch, { recursive: true, force: true }));
  const postgres = await startPostgres({ dataDir: join(scratch, "postgres"), durable: false });
  stops.push(postgres.stop);
  const redis = await startRedis({ dataDir: join(scratch, "redis"), durable: false });
  stops.push(redis.stop);

  const admin = new pg.Client({ connectionString: postgres.adminUrl });
  await admin.connect();
  await admin.query("create database slipway_dashboard");
  await admin.end();
  const databaseUrl = new URL(postgres.adminUrl);
  databaseUrl.pathname = "/slipway_dashboard";
  const database = connectDatabase(databaseUrl.toString());
  stops.push(() => database.close());
  await runMigrations(database.db);
  const outside = await startOutsideWorld();
  stops.push(() => outside.github.close());

  // The fake GitHub: its authorize page is a form the browser tests fill in and submit.
  const github = outside.github;
  github.userAuth.showSignInForm();
  const config = loadConfig({
    ...outside.env,
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: redis.url,
    SLIPWAY_ENCRYPTION_KEYS: `v1:${randomBytes(32).toString("base64")}`,
    LOG_LEVEL: process.env.DASHBOARD_API_LOG_LEVEL ?? "warn",
    GITHUB_WEBHOOK_SECRET: randomBytes(16).toString("hex"),
    GITHUB_APP_ID: github.appId,
    GITHUB_PRIVATE_KEY: github.privateKey,
    GITHUB_API_URL: github.url,
    GITHUB_APP_SLUG: "slipway-dashboard-test",
    GITHUB_WEB_URL: github.url,
    GITHUB_CLIENT_ID: github.userAuth.clientId,
    GITHUB_CLIENT_SECRET: github.userAuth.clientSecret,
  });
  // The keys endpoints need Redis (verifier cache, invalidation), as in control-plane's harness.
  const redisClient = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  stops.push(async () => redisClient.disconnect());
  const app = await buildApp({
    config,
    clients: makePlatformClients(config),
    db: database.db,
    redis: redisClient,
    dns: stackDns(database.db),
  });
  const apiUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  stops.push(() => app.close());

  const owner = await createWorkspaceWithRootKey(database.db, { name: "Acme" });
  const other = await createWorkspaceWithRootKey(database.db, { name: "Other" });
  const bulk = await createWorkspaceWithRootKey(database.db, { name: "Bulk" });
  const seeded = await seedWorkspace(database.db, owner.workspaceId);
  const [storefront] = await database.db
    .select({ id: apps.id })
    .from(apps)
    .where(and(eq(apps.workspaceId, owner.workspaceId), eq(apps.slug, "storefront")));
  await connectRepository(database.db, owner.workspaceId, storefront!.id);
  const otherObjects = await seedOtherWorkspace(apiUrl, other.rootKey);
  const bulkRequestLogs = await seedBulkRequestLogs(database.db, bulk.workspaceId, 10_000);
  // Installation 701 of the App is owned by `acme-org` and bound to the owner's workspace;
  // `acme-dev` is a member of that account, `mallory` of none.
  const installationId = 701;
  github.addInstallation(installationId, "acme-org");
  github.userAuth.share(installationId, "acme-dev");
  await bindInstallation(database.db, owner.workspaceId, installationId, "acme-org");
  // A real Sentinel on this stack's data, in front of one tiny app: the policies page's changes
  // reach it by NOTIFY, as in production.
  const upstream = await startTinyUpstream();
  stops.push(upstream.close);
  const sentinel = await startSentinel({
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: redis.url,
    SENTINEL_INSTANCES: JSON.stringify({
      [seeded.current]: [
        { id: "local", address: "127.0.0.1", port: upstream.port, region: "eu-1" },
      ],
    }),
  });
  stops.push(sentinel.stop);
  const workspaces = new Map([
    [owner.rootKey, owner.workspaceId],
    [other.rootKey, other.workspaceId],
    [bulk.rootKey, bulk.workspaceId],
  ]);
  const shim =
    process.env.DASHBOARD_SESSION_SHIM === "1"
      ? makeSessionShim((key) => workspaces.get(key))
      : undefined;
  const distDir = fileURLToPath(new URL("../../dist", import.meta.url));
  const web = await startStaticServer({ distDir, apiUrl, ...(shim ? { shim } : {}) });
  stops.push(() => new Promise((resolve) => web.server.close(resolve)));

  const info = {
    url: web.url,
    apiUrl,
    databaseUrl: databaseUrl.toString(),
    owner: { workspaceId: owner.workspaceId, rootKey: owner.rootKey },
    other: { workspaceId: other.workspaceId, rootKey: other.rootKey, ...otherObjects },
    bulk: { workspaceId: bulk.workspaceId, rootKey: bulk.rootKey, requestLogs: bulkRequestLogs },
    github: { url: github.url, memberLogin: "acme-dev", outsiderLogin: "mallory" },
    seeded,
    sentinel: { url: `http://127.0.0.1:${sentinel.port}`, host: sentinelHost },
  };
  process.stdout.write(`STACK ${JSON.stringify(info)}\n`);
}

runStackChild("stack", main, stopAll);
