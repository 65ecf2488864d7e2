/**
 * Root keys resolved recently, by hash, so a busy caller (a verifyKey per request) does not
 * cost a PostgreSQL round trip each time. Entries live `ttlMs` (1 s): a root key revoked or
 * changed in the database stops working (or changes) on every process within that. Unknown
 * keys are not cached: a new root key works at once. Bounded; the oldest entries go first.
 */
export function createRootKeyCache<T>(
  options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
) {
  const ttlMs = options.ttlMs ?? 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: T; storedAt: number }>();
  return {
    async get(hash: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
      const entry = entries.get(hash);
      if (entry && now() - entry.storedAt < ttlMs) return entry.value;
      const value = await load();
      entries.delete(hash);
      if (value !== undefined) {
        entries.set(hash, { value, storedAt: now() });
        while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      }
      return value;
    },
  };
}
