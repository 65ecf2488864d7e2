import { Redis } from "ioredis";
import { pino } from "pino";
import { buildApp } from "../app.js";
import { loadConfig } from "../config.js";
import { connectDatabase } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import { logOptions } from "../logging/log-options.js";
import { makePlatformClients } from "../platform-clients.js";
import { startBackground } from "../worker/start-background.js";
import { ServiceStartError } from "./processes.js";
import { bootstrapRootKey } from "./root-key.js";

export interface LocalControlPlane {
  url: string;
  /** Present on the first start (or with --new-root-key) only. */
  rootKey?: string;
  stop(): Promise<void>;
}

/**
 * The API and the workers in this process (one composition, as `npm run serve` and
 * `npm run worker` together): migrations first, then the bootstrap root key.
 */
export async function startLocalControlPlane(
  env: Record<string, string | undefined>,
  options: { newRootKey: boolean },
): Promise<LocalControlPlane> {
  const config = loadConfig(env);
  const clients = makePlatformClients(config);
  const database = connectDatabase(config.DATABASE_URL);
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const closeClients = async () => {
    redis.disconnect();
    clients.close();
    await database.close();
  };
  try {
    await runMigrations(database.db);
    await redis.connect();
    const rootKey = await bootstrapRootKey(database.db, { newKey: options.newRootKey });
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
    let url: string;
    try {
      url = await app.listen({ host: config.HOST, port: config.PORT });
    } catch (error) {
      await background.stop();
      await app.close();
      throw new ServiceStartError(
        `could not listen on ${config.HOST}:${config.PORT} (${(error as Error).message}); set PORT to a free port`,
      );
    }
    return {
      url,
      ...(rootKey ? { rootKey } : {}),
      stop: async () => {
        await background.stop();
        await app.close();
        await closeClients();
      },
    };
  } catch (error) {
    await closeClients();
    throw error;
  }
}
