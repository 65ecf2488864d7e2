import type { OverrideTable } from "./ratelimit-override.js";

/** A ratelimit namespace with its overrides compiled, as `ratelimit.limit` needs it. */
export interface LoadedNamespace {
  id: string;
  workspaceId: string;
  name: string;
  overrides: OverrideTable;
}

export interface NamespaceCacheOptions {
  /** A backstop for a lost notification: entries older than this are read again. */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * Namespaces by workspace and by the id or name a request gave, per process. A change to a
 * namespace's overrides drops it here at once (the writing process) and on every other process
 * when the notification arrives (ratelimit-namespace-invalidation.ts). A load under way when a
 * notification arrived serves its own request but is not stored, so an override read just before
 * a change is never cached after it. Unknown namespaces are not cached: creating one must show.
 */
export function createNamespaceCache(options: NamespaceCacheOptions = {}) {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { namespace: LoadedNamespace; storedAt: number }>();
  let epoch = 0;
  // NUL cannot occur in a workspace id or a validated namespace reference.
  const cacheKey = (workspaceId: string, ref: string) => `${workspaceId}\u0000${ref}`;

  return {
    async get(
      workspaceId: string,
      ref: string,
      load: () => Promise<LoadedNamespace | undefined>,
    ): Promise<LoadedNamespace | undefined> {
      const key = cacheKey(workspaceId, ref);
      const entry = entries.get(key);
      if (entry && now() - entry.storedAt < ttlMs) return entry.namespace;
      const startedAt = epoch;
      const namespace = await load();
      if (namespace && epoch === startedAt) {
        entries.delete(key);
        entries.set(key, { namespace, storedAt: now() });
        // Maps iterate in insertion order: the first entries are the oldest.
        while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      }
      return namespace;
    },

    /** Drops every entry of the namespace, whether it was looked up by id or by name. */
    invalidateNamespace(namespaceId: string): void {
      epoch++;
      for (const [key, entry] of entries) {
        if (entry.namespace.id === namespaceId) entries.delete(key);
      }
    },

    clear(): void {
      epoch++;
      entries.clear();
    },
  };
}

export type NamespaceCache = ReturnType<typeof createNamespaceCache>;
