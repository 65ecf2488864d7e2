import { Redis } from "ioredis";
import { pino } from "pino";
import { loadConfig } from "./config.js";
import { connectDatabase } from "./db/client.js";
import { runEntrypoint, stopOnSignal } from "./entrypoint.js";
import { logOptions } from "./logging/log-options.js";
import { makePlatformClients } from "./platform-clients.js";
import { lowerOwnPriority } from "./process-priority.js";
import { startBackground } from "./worker/start-background.js";

/**
 * `npm run worker`: the background half of the control plane alone (job workers and the
 * domain verifier), for installs that scale workers apart from the API.
 */
async function main() {
  const config = loadConfig();
  const clients = makePlatformClients(config);
  const log = pino(logOptions(config.LOG_LEVEL));
  // Jobs take the CPU the API leaves: a webhook's ack must not wait behind a delivery's processing.
  const nice = lowerOwnPriority(config.SLIPWAY_WORKER_NICE);
  const database = connectDatabase(config.DATABASE_URL);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const background = startBackground({ config, clients, db: database.db, redis, log });
  log.info({ nice }, "worker started");
  stopOnSignal(async () => {
    await background.stop();
    redis.disconnect();
    clients.close();
    await database.close();
  });
}

runEntrypoint(main, "the worker");
