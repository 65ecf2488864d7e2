import type { Redis } from "ioredis";
import type { NamespaceCache } from "./ratelimit-namespace-cache.js";

export const namespaceChannel = (prefix: string) => `${prefix}ratelimit:changed`;

/** Called by whoever changes a namespace's overrides, after the change commits. */
export async function publishNamespaceChange(
  redis: Redis,
  prefix: string,
  namespaceId: string,
): Promise<void> {
  await redis.publish(namespaceChannel(prefix), namespaceId);
}

/**
 * Drops a namespace on every notification. `subscriber` is a subscribed connection (it may
 * carry other channels too, e.g. the keys'); whenever it (re)connects the whole cache goes:
 * messages sent while it was away are lost.
 */
export async function subscribeToNamespaceChanges(
  subscriber: Redis,
  prefix: string,
  cache: NamespaceCache,
): Promise<{ close(): Promise<void> }> {
  const channel = namespaceChannel(prefix);
  const onMessage = (from: string, namespaceId: string) => {
    if (from === channel) cache.invalidateNamespace(namespaceId);
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
