import { createKeyStore, startKeyVerification } from "@slipway/keys";
import type {
  ConfigSnapshot,
  ConfigSource,
  KeyVerifier,
  RateLimiter,
} from "@slipway/shared/gateway";
import { drizzle } from "drizzle-orm/node-postgres";
import { Redis } from "ioredis";
import pg from "pg";
import { z } from "zod";
import type { SentinelEnv } from "../config.js";
import { FileConfigSource } from "../config-file.js";
import { PostgresConfigSource } from "../config-source/postgres-config-source.js";
import { keysVerifierAdapter } from "../keys/keys-verifier-adapter.js";
import { redisRateLimiter } from "../keys/redis-rate-limiter.js";
import { MemoryRateLimiter } from "../policies/memory-rate-limiter.js";
import type { Instance } from "../routing/instances.js";

type Log = (level: string, msg: string, fields?: Record<string, unknown>) => void;

/** Where Sentinel's routes, keys and counters come from; main.ts composes the rest. */
export interface RouteSources {
  configSource: ConfigSource;
  firstSnapshot: ConfigSnapshot;
  /** Instances when no kubeconfig is set: the config file's, or SENTINEL_INSTANCES. */
  staticInstances: Record<string, Instance[]>;
  keyVerifier: KeyVerifier;
  rateLimiter: RateLimiter;
  close(): Promise<void>;
}

const instancesSchema = z.record(
  z.string(),
  z.array(
    z.strictObject({
      id: z.string(),
      address: z.string(),
      port: z.number().int().min(1).max(65535),
      region: z.string(),
    }),
  ),
);

/** Until a file config names a workspace, keyauth fails closed (401). */
const noKeys: KeyVerifier = { verify: async () => ({ valid: false, code: "NOT_FOUND" }) };

export function parseStaticInstances(json: string | undefined): Record<string, Instance[]> {
  if (json === undefined) return {};
  const parsed = instancesSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`SENTINEL_INSTANCES: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

async function fromFile(path: string, log: Log): Promise<RouteSources> {
  const configSource = new FileConfigSource(path, (error) =>
    log("error", "config reload failed; the last good config keeps serving", {
      err: String(error),
    }),
  );
  const file = await configSource.loadFile();
  return {
    configSource,
    firstSnapshot: file.snapshot,
    staticInstances: file.instances,
    keyVerifier: noKeys,
    rateLimiter: new MemoryRateLimiter(),
    close: async () => undefined,
  };
}

/**
 * The control plane's data: routes from PostgreSQL (LISTEN/NOTIFY), keyauth through the keys
 * package in-process (its cache invalidated over Redis pub/sub), ratelimit policies counted in
 * Redis. Resolves once the first snapshot is read, however long PostgreSQL takes.
 */
async function fromDatabase(config: SentinelEnv, log: Log): Promise<RouteSources> {
  const databaseUrl = config.DATABASE_URL!;
  const redisPrefix = `${config.SLIPWAY_QUEUE_PREFIX}:`;
  // A hung Redis must fail a check fast (the keys package then answers by its policy).
  const redis = new Redis(config.REDIS_URL!, {
    commandTimeout: 500,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  redis.on("error", (error) => log("warn", "redis error", { err: String(error) }));
  // The key-change subscription must be up before keys are cached: it waits for Redis.
  const subscriber = redis.duplicate({
    enableOfflineQueue: true,
    commandTimeout: undefined,
    maxRetriesPerRequest: null,
  });
  subscriber.on("error", (error) => log("warn", "redis subscriber error", { err: String(error) }));
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, keepAlive: true });
  pool.on("error", (error) => log("warn", "postgres pool error", { err: String(error) }));
  const store = createKeyStore(drizzle(pool));
  const configSource = new PostgresConfigSource({
    connectionString: databaseUrl,
    onError: (error) =>
      log("warn", "config database unreachable; reconnecting (the last config keeps serving)", {
        err: String(error),
      }),
    onProblems: (problems) => log("error", "routes left out of the config", { problems }),
  });
  log("info", "waiting for the first config from PostgreSQL and for Redis");
  const firstLoad = configSource.load();
  const keys = await startKeyVerification({
    store,
    redis,
    subscriber,
    redisPrefix,
    onError: (error) => log("warn", "credit write-back failed", { err: String(error) }),
  });
  const firstSnapshot = await firstLoad;
  return {
    configSource,
    // Changes read while Redis was still coming up were published to no one: the newest.
    firstSnapshot: configSource.latest ?? firstSnapshot,
    staticInstances: parseStaticInstances(config.SENTINEL_INSTANCES),
    keyVerifier: keysVerifierAdapter(keys.verifier),
    rateLimiter: redisRateLimiter({ redis, prefix: redisPrefix }),
    async close() {
      await configSource.close();
      await keys.close();
      await pool.end();
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}

export function startRouteSources(config: SentinelEnv, log: Log): Promise<RouteSources> {
  return config.DATABASE_URL
    ? fromDatabase(config, log)
    : fromFile(config.SENTINEL_CONFIG_FILE!, log);
}
