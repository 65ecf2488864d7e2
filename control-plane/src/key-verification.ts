import {
  createKeyStore,
  createNamespaceCache,
  createNamespaceStore,
  createRatelimiter,
  type KeyVerifier,
  type NamespaceCache,
  type NamespaceStore,
  type Ratelimiter,
  startKeyVerification,
  subscribeToNamespaceChanges,
} from "@slipway/keys";
import type { Redis } from "ioredis";
import type { Database } from "./db/client.js";

/** What the keys and ratelimit endpoints need of the process. */
export interface KeyRuntime {
  verifier: KeyVerifier;
  /** Publishes key changes (`publishKeyChange`) so every process's cache drops them. */
  redis: Redis;
  redisPrefix: string;
  /** `ratelimit.limit` / `multiLimit`: exact sliding windows, the configured Redis-down policy. */
  ratelimiter: Ratelimiter;
  /** Namespaces with their overrides, dropped on every process when an override changes. */
  namespaces: NamespaceCache;
  namespaceStore: NamespaceStore;
}

export interface KeyRuntimeOptions {
  db: Database;
  redis: Redis;
  redisPrefix: string;
  whenRedisFails?: "open" | "closed";
  onError?: (error: unknown) => void;
  /** Told of each ratelimit check answered without Redis; the counts are in the ratelimiters. */
  onRedisFailure?: (error: unknown, answer: "open" | "closed") => void;
}

/**
 * Starts the process's one key verifier (cache, invalidation subscriber, credit write-back)
 * and the namespace ratelimiter. The subscriber is a connection of its own (a subscribed
 * connection runs nothing else), shared by the key and the namespace notifications.
 */
export async function startKeyRuntime(
  options: KeyRuntimeOptions,
): Promise<{ keys: KeyRuntime; close(): Promise<void> }> {
  const subscriber = options.redis.duplicate();
  const policy = {
    ...(options.whenRedisFails && { whenRedisFails: options.whenRedisFails }),
    ...(options.onRedisFailure && { onRedisFailure: options.onRedisFailure }),
  };
  const started = await startKeyVerification({
    store: createKeyStore(options.db),
    redis: options.redis,
    subscriber,
    redisPrefix: options.redisPrefix,
    ...policy,
    ...(options.onError && { onError: options.onError }),
  });
  const namespaces = createNamespaceCache();
  const namespaceSubscription = await subscribeToNamespaceChanges(
    subscriber,
    options.redisPrefix,
    namespaces,
  );
  return {
    keys: {
      verifier: started.verifier,
      redis: options.redis,
      redisPrefix: options.redisPrefix,
      ratelimiter: createRatelimiter({ redis: options.redis, ...policy }),
      namespaces,
      namespaceStore: createNamespaceStore(options.db),
    },
    async close() {
      await namespaceSubscription.close();
      await started.close();
      subscriber.disconnect();
    },
  };
}
