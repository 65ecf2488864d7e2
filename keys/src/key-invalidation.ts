import type { Redis } from "ioredis";
import type { KeyCache } from "./key-cache.js";

/**
 * What changed: one key (by hash: created, updated, deleted, rerolled) or anything shared by a
 * workspace's keys (a role's permissions, an identity's limits, a permission deleted).
 */
export type KeyChange = { hash: string } | { workspaceId: string };

export const invalidationChannel = (prefix: string) => `${prefix}keys:changed`;

/** Called by whoever changes keys, after the change commits. */
export async function publishKeyChange(
  redis: Redis,
  prefix: string,
  change: KeyChange,
): Promise<void> {
  await redis.publish(invalidationChannel(prefix), JSON.stringify(change));
}

/**
 * Drops cache entries on every notification. `subscriber` is a connection of its own (Redis
 * puts a subscribed connection in a mode where it runs nothing else). Whenever it (re)connects
 * the whole cache goes: messages sent while it was away are lost.
 */
export async function subscribeToKeyChanges(
  subscriber: Redis,
  prefix: string,
  cache: KeyCache,
): Promise<{ close(): Promise<void> }> {
  const channel = invalidationChannel(prefix);
  const onMessage = (from: string, message: string) => {
    if (from !== channel) return;
    try {
      const change = JSON.parse(message) as Partial<{ hash: string; workspaceId: string }>;
      if (typeof change.hash === "string") cache.invalidateHash(change.hash);
      else if (typeof change.workspaceId === "string")
        cache.invalidateWorkspace(change.workspaceId);
      else cache.clear();
    } catch {
      cache.clear();
    }
  };
  const onReady = () => cache.clear();
  subscriber.on("message", onMessage);
  subscriber.on("ready", onReady);
  await subscriber.subscribe(channel);
  return {
    async close() {
      subscriber.off("message", onMessage);
      subscriber.off("ready", onReady);
      await subscriber.unsubscribe(channel).catch(() => {});
    },
  };
}
