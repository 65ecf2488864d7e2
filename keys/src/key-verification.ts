import type { Redis } from "ioredis";
import { type CreditWriteBack, startCreditWriteBack } from "./credit-write-back.js";
import type { KeyCacheOptions } from "./key-cache.js";
import { subscribeToKeyChanges } from "./key-invalidation.js";
import type { KeyStore } from "./key-store.js";
import { createKeyVerifier, type KeyVerifier } from "./key-verifier.js";
import { type LastUsedOptions, startLastUsedWriteBack } from "./last-used.js";

export interface KeyVerificationOptions {
  store: KeyStore;
  redis: Redis;
  /** A second connection for the change notifications (a subscribed one runs nothing else). */
  subscriber: Redis;
  redisPrefix: string;
  whenRedisFails?: "open" | "closed";
  cache?: KeyCacheOptions;
  /** How often credit balances are written back to PostgreSQL; default 1000 ms. */
  creditWriteBackMs?: number;
  /** How often a key's use is queued for `last_used_at`; written every `creditWriteBackMs`. */
  lastUsed?: LastUsedOptions;
  onError?: (error: unknown) => void;
  /** Told of each ratelimit check answered without Redis (to log it). */
  onRedisFailure?: (error: unknown, answer: "open" | "closed") => void;
  now?: () => number;
}

/**
 * What a process (Sentinel, the control plane) starts once in its composition root: the
 * verifier, its cache invalidation by notification, and the credit write-back.
 */
export async function startKeyVerification(
  options: KeyVerificationOptions,
): Promise<{ verifier: KeyVerifier; close(): Promise<void> }> {
  const verifier = createKeyVerifier(options);
  const subscription = await subscribeToKeyChanges(
    options.subscriber,
    options.redisPrefix,
    verifier.cache,
  );
  const writeBack: CreditWriteBack = startCreditWriteBack(verifier.ledger, options.store, {
    ...(options.creditWriteBackMs !== undefined && { intervalMs: options.creditWriteBackMs }),
    ...(options.onError && { onError: options.onError }),
  });
  const lastUsedWriteBack = startLastUsedWriteBack(
    verifier.lastUsed,
    (uses) => options.store.writeLastUsed(uses),
    {
      ...(options.creditWriteBackMs !== undefined && { intervalMs: options.creditWriteBackMs }),
      ...(options.onError && { onError: options.onError }),
    },
  );
  return {
    verifier,
    async close() {
      await subscription.close();
      await writeBack.stop();
      await lastUsedWriteBack.stop();
    },
  };
}
