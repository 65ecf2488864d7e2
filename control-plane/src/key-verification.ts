import { createKeyStore, type KeyVerifier, startKeyVerification } from "@slipway/keys";
import type { Redis } from "ioredis";
import type { Database } from "./db/client.js";

/** What the keys endpoints need of the process: its one verifier and where changes go. */
export interface KeyRuntime {
  verifier: KeyVerifier;
  /** Publishes key changes (`publishKeyChange`) so every process's cache drops them. */
  redis: Redis;
  redisPrefix: string;
}

/**
 * Starts the process's one key verifier (cache, invalidation subscriber, credit write-back).
 * The subscriber is a connection of its own: a subscribed connection runs nothing else.
 */
export async function startKeyRuntime(options: {
  db: Database;
  redis: Redis;
  redisPrefix: string;
  onError?: (error: unknown) => void;
}): Promise<{ keys: KeyRuntime; close(): Promise<void> }> {
  const subscriber = options.redis.duplicate();
  const started = await startKeyVerification({
    store: createKeyStore(options.db),
    redis: options.redis,
    subscriber,
    redisPrefix: options.redisPrefix,
    ...(options.onError && { onError: options.onError }),
  });
  return {
    keys: { verifier: started.verifier, redis: options.redis, redisPrefix: options.redisPrefix },
    async close() {
      await started.close();
      subscriber.disconnect();
    },
  };
}
