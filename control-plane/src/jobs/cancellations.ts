import type { Redis } from "ioredis";

/**
 * Tells running work that a deployment was cancelled, across processes: the API publishes on a
 * Redis channel and the worker building that deployment aborts within milliseconds. Pub/sub
 * keeps nothing, so a worker also re-reads the deployment's status now and then (the database
 * stays the source of truth; this only makes the stop prompt).
 */
export interface CancellationBus {
  announce(deploymentId: string): Promise<void>;
  /** Calls `onCancel` once when `deploymentId` is announced; returns a function that stops watching. */
  watch(deploymentId: string, onCancel: () => void): () => void;
  close(): Promise<void>;
}

export function createCancellationBus(connection: Redis, prefix: string): CancellationBus {
  const channel = `${prefix}:deployment-cancellations`;
  const watchers = new Map<string, Set<() => void>>();
  let subscriber: Redis | undefined;

  const subscribe = () => {
    if (subscriber) return;
    const created = connection.duplicate();
    subscriber = created;
    created.on("message", (_channel: string, deploymentId: string) => {
      for (const onCancel of watchers.get(deploymentId) ?? []) onCancel();
      watchers.delete(deploymentId);
    });
    // ioredis re-subscribes by itself after a reconnect.
    created.on("error", () => undefined);
    void created.subscribe(channel).catch(() => undefined);
  };

  return {
    async announce(deploymentId) {
      await connection.publish(channel, deploymentId);
    },
    watch(deploymentId, onCancel) {
      subscribe();
      let set = watchers.get(deploymentId);
      if (!set) {
        set = new Set();
        watchers.set(deploymentId, set);
      }
      set.add(onCancel);
      return () => {
        set.delete(onCancel);
        if (set.size === 0 && watchers.get(deploymentId) === set) watchers.delete(deploymentId);
      };
    },
    async close() {
      watchers.clear();
      subscriber?.disconnect();
      subscriber = undefined;
    },
  };
}
