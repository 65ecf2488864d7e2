/**
 * Root keys resolved recently, by hash, so a busy caller (a verifyKey per request) does not
 * cost a PostgreSQL round trip each time. An entry is answered for at most `ttlMs` (1 s) after
 * the read that produced it began: a root key revoked or changed in the database stops working
 * (or changes) on every process within that.
 *
 * Refresh-ahead: an entry used after `refreshAfterMs` (half the TTL) is read again in the
 * background while the cached value keeps answering, so a key in constant use never expires
 * in front of a request and its callers never wait for PostgreSQL. Loads of the same hash are
 * shared (no stampede of identical queries when an entry is missing). Unknown keys are not
 * cached: a new root key works at once. Bounded; the oldest entries go first.
 */
export function createRootKeyCache<T>(
  options: {
    ttlMs?: number;
    refreshAfterMs?: number;
    maxEntries?: number;
    now?: () => number;
  } = {},
) {
  const ttlMs = options.ttlMs ?? 1000;
  const refreshAfterMs = options.refreshAfterMs ?? ttlMs / 2;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: T; storedAt: number }>();
  const loads = new Map<string, Promise<T | undefined>>();

  /** One load per hash at a time; its result is stored as of when the read began. */
  function load(hash: string, read: () => Promise<T | undefined>): Promise<T | undefined> {
    const pending = loads.get(hash);
    if (pending) return pending;
    const startedAt = now();
    const loading = read()
      .then((value) => {
        entries.delete(hash);
        if (value !== undefined) {
          entries.set(hash, { value, storedAt: startedAt });
          while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
        }
        return value;
      })
      .finally(() => loads.delete(hash));
    loads.set(hash, loading);
    return loading;
  }

  return {
    async get(hash: string, read: () => Promise<T | undefined>): Promise<T | undefined> {
      const entry = entries.get(hash);
      const age = entry ? now() - entry.storedAt : Number.POSITIVE_INFINITY;
      if (entry && age < ttlMs) {
        // A failed refresh leaves the entry to expire; the caller after that reads (and fails).
        if (age >= refreshAfterMs) load(hash, read).catch(() => {});
        return entry.value;
      }
      return await load(hash, read);
    },
  };
}
