import type { LoadedKey } from "./verify-types.js";

interface CacheEntry {
  /** undefined: no such key (cached too, so unknown keys do not reach PostgreSQL each time). */
  key: LoadedKey | undefined;
  storedAt: number;
}

export interface KeyCacheOptions {
  /** A backstop for a lost notification: entries older than this are read again. */
  ttlMs?: number;
  /**
   * An entry used after this age (default 80 % of the TTL) is read again in the background
   * while it keeps answering, so a key in constant use never expires in front of a request.
   */
  refreshAfterMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * Keys by hash, per process. Notifications (key-invalidation.ts) drop entries; a load that was
 * under way when a notification arrived is used for its own request but not stored, so a stale
 * row read just before a change can never be cached after it. Loads of one hash are shared, and
 * a hot entry is refreshed ahead of its TTL (see `refreshAfterMs`).
 */
export function createKeyCache(options: KeyCacheOptions = {}) {
  const ttlMs = options.ttlMs ?? 60_000;
  const refreshAfterMs = options.refreshAfterMs ?? ttlMs * 0.8;
  const maxEntries = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, CacheEntry>();
  let epoch = 0;
  const loads = new Map<string, Promise<LoadedKey | undefined>>();

  /** Loads a hash (shared by concurrent callers) and stores it unless a change came meanwhile. */
  function loadAndStore(
    hash: string,
    load: (hash: string) => Promise<LoadedKey | undefined>,
  ): Promise<LoadedKey | undefined> {
    const startedAt = epoch;
    const loading = load(hash)
      .then((key) => {
        if (epoch === startedAt) {
          entries.delete(hash);
          entries.set(hash, { key, storedAt: now() });
          // Maps iterate in insertion order: the first entries are the oldest.
          while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
        }
        return key;
      })
      .finally(() => {
        // An invalidation may have replaced this load by a newer one: leave that in place.
        if (loads.get(hash) === loading) loads.delete(hash);
      });
    loads.set(hash, loading);
    return loading;
  }

  /**
   * `get` without a promise on a hit: the cached key itself, or the (shared) load when the hash
   * must be read. For callers on a request path, where a promise per lookup shows.
   */
  function current(
    hash: string,
    load: (hash: string) => Promise<LoadedKey | undefined>,
  ): LoadedKey | undefined | Promise<LoadedKey | undefined> {
    const entry = entries.get(hash);
    if (entry) {
      const age = now() - entry.storedAt;
      if (age < ttlMs) {
        // A failed refresh leaves the entry to expire; the caller after that loads (and fails).
        if (age >= refreshAfterMs && !loads.has(hash)) loadAndStore(hash, load).catch(() => {});
        return entry.key;
      }
    }
    return loads.get(hash) ?? loadAndStore(hash, load);
  }

  return {
    get size() {
      return entries.size;
    },

    /** The cached key, or a load that concurrent callers for the same hash share. */
    async get(
      hash: string,
      load: (hash: string) => Promise<LoadedKey | undefined>,
    ): Promise<LoadedKey | undefined> {
      return await current(hash, load);
    },

    current,

    /** Synchronous hit path for callers that want to skip the promise (the benchmark's peer). */
    peek(hash: string): LoadedKey | undefined | null {
      const entry = entries.get(hash);
      return entry && now() - entry.storedAt < ttlMs ? entry.key : null;
    },

    invalidateHash(hash: string): void {
      epoch++;
      entries.delete(hash);
      loads.delete(hash);
    },

    invalidateWorkspace(workspaceId: string): void {
      epoch++;
      for (const [hash, entry] of entries) {
        // Unknown keys belong to no workspace; a workspace change may be what creates them.
        if (!entry.key || entry.key.workspaceId === workspaceId) entries.delete(hash);
      }
      loads.clear();
    },

    clear(): void {
      epoch++;
      entries.clear();
      loads.clear();
    },
  };
}

export type KeyCache = ReturnType<typeof createKeyCache>;
