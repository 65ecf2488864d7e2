import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { asc } from "drizzle-orm";
import { Redis } from "ioredis";
import { pino } from "pino";
import { buildApp } from "../app.js";
import { ConfigError, loadConfig } from "../config.js";
import { connectDatabase } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import { workspaces } from "../db/schema/index.js";
import { logOptions } from "../logging/log-options.js";
import { makePlatformClients } from "../platform-clients.js";
import { addRootKey, createWorkspaceWithRootKey } from "../services/workspaces.js";
import { startBackground } from "../worker/start-background.js";
import { localDataDir, localEncryptionKeys, postgresDataDir } from "./data-dir.js";
import { startPostgres } from "./postgres.js";
import { ServiceStartError } from "./processes.js";
import { startRedis } from "./redis.js";

/**
 * `npm start`: Slipway's control plane on this machine, with its own PostgreSQL and Redis
 * started from the machine's binaries and all state under one data directory.
 */
async function main() {
  const dataDir = localDataDir();
  mkdirSync(dataDir, { recursive: true });
  const wantsNewKey = process.argv.includes("--new-root-key");

  const postgres = await startPostgres({ dataDir: postgresDataDir(dataDir), durable: true });
  const redis = await startRedis({ dataDir: join(dataDir, "redis"), durable: true });
  const stopServices = async () => {
    await redis.stop();
    await postgres.stop();
  };

  try {
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: postgres.adminUrl,
      REDIS_URL: redis.url,
      SLIPWAY_ENCRYPTION_KEYS: process.env.SLIPWAY_ENCRYPTION_KEYS ?? localEncryptionKeys(dataDir),
    });
    const clients = makePlatformClients(config);
    const database = connectDatabase(config.DATABASE_URL);
    await runMigrations(database.db);
    const redisClient = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redisClient.connect();

    const [existing] = await database.db
      .select()
      .from(workspaces)
      .orderBy(asc(workspaces.id))
      .limit(1);
    let rootKey: string | undefined;
    if (!existing) {
      rootKey = (
        await createWorkspaceWithRootKey(database.db, { name: "default", keyName: "bootstrap" })
      ).rootKey;
    } else if (wantsNewKey) {
      rootKey = (
        await addRootKey(database.db, {
          workspaceId: existing.id,
          keyName: "bootstrap (re-issued)",
        })
      ).rootKey;
    }

    const log = pino(logOptions(config.LOG_LEVEL));
    const background = startBackground({
      config,
      clients,
      db: database.db,
      redis: redisClient,
      log,
    });
    const app = await buildApp({
      config,
      clients,
      db: database.db,
      redis: redisClient,
      queues: background.queues,
      loggerInstance: log,
    });
    let url: string;
    try {
      url = await app.listen({ host: config.HOST, port: config.PORT });
    } catch (error) {
      throw new ServiceStartError(
        `could not listen on ${config.HOST}:${config.PORT} (${(error as Error).message}); set PORT to a free port`,
      );
    }

    const lines = [
      "",
      `Slipway API:  ${url}   (OpenAPI: ${url}/openapi.json)`,
      `Data:         ${dataDir}`,
      rootKey
        ? `Root key:     ${rootKey}\n              shown once; only its hash is stored. Keep it.`
        : "Root key:     printed on first start; `npm start -- --new-root-key` mints another.",
      "",
      "Try it:",
      `  curl -s ${url}/v2/projects.createProject -H "Authorization: Bearer $ROOT_KEY" \\`,
      `       -H 'Content-Type: application/json' -d '{"name":"My project","slug":"my-project"}'`,
      "",
    ];
    process.stdout.write(`${lines.join("\n")}\n`);

    const shutdown = async (signal: string) => {
      app.log.info({ signal }, "shutting down");
      await background.stop();
      await app.close();
      redisClient.disconnect();
      clients.close();
      await database.close();
      await stopServices();
      process.exit(0);
    };
    process.once("SIGINT", () => void shutdown("SIGINT"));
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
  } catch (error) {
    await stopServices();
    throw error;
  }
}

main().catch((error) => {
  if (error instanceof ServiceStartError || error instanceof ConfigError) {
    process.stderr.write(`slipway: ${error.message}\n`);
  } else {
    process.stderr.write(`slipway: failed to start: ${(error as Error).stack ?? error}\n`);
  }
  process.exit(1);
});
