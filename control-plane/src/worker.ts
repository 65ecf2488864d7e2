import { Redis } from "ioredis";
import { pino } from "pino";
import { startBackground } from "./background.js";
import { ConfigError, loadConfig } from "./config.js";
import { connectDatabase } from "./db/client.js";

/**
 * `npm run worker`: the background half of the control plane alone (job workers and the
 * domain verifier), for installs that scale workers apart from the API.
 */
async function main() {
  const config = loadConfig();
  const log = pino({ level: config.LOG_LEVEL });
  const database = connectDatabase(config.DATABASE_URL);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const background = startBackground({ config, db: database.db, redis, log });
  log.info("worker started");
  const shutdown = async () => {
    await background.stop();
    redis.disconnect();
    await database.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown());
  process.once("SIGTERM", () => void shutdown());
}

main().catch((error) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `slipway: ${error.message}\n`
      : `slipway: worker failed to start: ${error?.stack ?? error}\n`,
  );
  process.exit(1);
});
