import { type KeyChange, publishKeyChange } from "@slipway/keys";
import type { KeyRuntime } from "../key-verification.js";

/**
 * After a change to what keys verify as has committed: this process's cache drops it at once,
 * every other process's when the notification arrives.
 */
export async function announceKeyChange(keys: KeyRuntime, change: KeyChange): Promise<void> {
  if ("hash" in change) keys.verifier.cache.invalidateHash(change.hash);
  else keys.verifier.cache.invalidateWorkspace(change.workspaceId);
  await publishKeyChange(keys.redis, keys.redisPrefix, change);
}
