/**
 * `lastUsedAt` without a database write per verify: each process remembers when it last
 * queued a key and queues it again only after `minIntervalMs`, so a key costs at most one
 * write per interval per process however often it verifies (the SDK documents the value as
 * accurate to within 5 minutes). `take()` hands the queued uses to the write-back.
 */
export interface LastUsedOptions {
  /** A key is queued at most once per this many ms; default 60 000. */
  minIntervalMs?: number;
  /** Keys remembered (and, separately, queued) at most; beyond it the oldest are forgotten. */
  maxKeys?: number;
  now?: () => number;
}

export interface KeyUse {
  keyId: string;
  /** Unix ms. */
  usedAt: number;
}

export function createLastUsedTracker(options: LastUsedOptions = {}) {
  const minIntervalMs = options.minIntervalMs ?? 60_000;
  const maxKeys = options.maxKeys ?? 100_000;
  const now = options.now ?? Date.now;
  const queuedAt = new Map<string, number>();
  let pending = new Map<string, number>();

  return {
    touch(keyId: string): void {
      const at = now();
      const last = queuedAt.get(keyId);
      if (last !== undefined && at - last < minIntervalMs) return;
      // Re-inserted so the map's order stays oldest first for eviction.
      queuedAt.delete(keyId);
      queuedAt.set(keyId, at);
      while (queuedAt.size > maxKeys) queuedAt.delete(queuedAt.keys().next().value!);
      if (pending.size < maxKeys || pending.has(keyId)) pending.set(keyId, at);
    },

    /** The uses queued since the last call, emptied. */
    take(): KeyUse[] {
      const taken = pending;
      pending = new Map();
      return [...taken].map(([keyId, usedAt]) => ({ keyId, usedAt }));
    },

    get pendingCount(): number {
      return pending.size;
    },
  };
}

export type LastUsedTracker = ReturnType<typeof createLastUsedTracker>;

/** Writes queued uses every `intervalMs`; `stop()` writes what is left and waits. */
export function startLastUsedWriteBack(
  tracker: LastUsedTracker,
  write: (uses: KeyUse[]) => Promise<unknown>,
  options: { intervalMs?: number; batchSize?: number; onError?: (error: unknown) => void } = {},
) {
  const batchSize = options.batchSize ?? 1000;
  let running: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    const uses = tracker.take();
    for (let start = 0; start < uses.length; start += batchSize) {
      await write(uses.slice(start, start + batchSize));
    }
  };
  const tick = () => {
    running = running.then(flush).catch((error) => options.onError?.(error));
  };
  const timer = setInterval(tick, options.intervalMs ?? 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      tick();
      await running;
    },
  };
}
