import { Redis } from "ioredis";
import { pino } from "pino";
import { buildApp } from "./app.js";
import { loadConfig } from "./config.js";
import { connectDatabase } from "./db/client.js";
import { runEntrypoint, stopOnSignal } from "./entrypoint.js";
import { logOptions } from "./logging/log-options.js";
import { makePlatformClients } from "./platform-clients.js";
import { startBackground } from "./worker/start-background.js";

/**
 * The API alone, for a cluster install: PostgreSQL and Redis are given by URL and migrations
 * are applied by their own step (`npm run migrate`) before a rollout.
 */
async function main() {
  const config = loadConfig();
  const clients = makePlatformClients(config);
  const database = connectDatabase(config.DATABASE_URL);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
  const log = pino(logOptions(config.LOG_LEVEL));
  const background = startBackground({ config, clients, db: database.db, redis, log });
  const app = await buildApp({
    config,
    clients,
    db: database.db,
    redis,
    queues: background.queues,
    loggerInstance: log,
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  stopOnSignal(async () => {
    await background.stop();
    await app.close();
    redis.disconnect();
    clients.close();
    await database.close();
  });
}

runEntrypoint(main, "the API");
