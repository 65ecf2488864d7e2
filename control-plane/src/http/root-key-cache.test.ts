import { describe, expect, it } from "vitest";
import { createRootKeyCache } from "./root-key-cache.js";

/** A read the test finishes by hand, counting how often the cache asked. */
function manualReads<T>() {
  const pending: Array<{ resolve(value: T | undefined): void; reject(error: Error): void }> = [];
  return {
    pending,
    read: () =>
      new Promise<T | undefined>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("root key cache", () => {
  it("makes one read for concurrent callers of a missing key", async () => {
    const cache = createRootKeyCache<string>({ now: () => 0 });
    const reads = manualReads<string>();
    const answers = Array.from({ length: 10 }, () => cache.get("h", reads.read));
    await settle();
    expect(reads.pending).toHaveLength(1);
    reads.pending[0]!.resolve("workspace-a");
    expect(await Promise.all(answers)).toEqual(Array(10).fill("workspace-a"));
  });

  it("reads a key in use again in the background and keeps answering from the cache meanwhile", async () => {
    let clock = 0;
    const cache = createRootKeyCache<string>({ ttlMs: 1000, now: () => clock });
    const reads = manualReads<string>();
    const first = cache.get("h", reads.read);
    reads.pending[0]!.resolve("old");
    expect(await first).toBe("old");

    clock = 600; // past the refresh point (500), inside the TTL
    expect(await cache.get("h", reads.read)).toBe("old");
    expect(await cache.get("h", reads.read)).toBe("old");
    expect(reads.pending).toHaveLength(2); // one background read, shared
    reads.pending[1]!.resolve("new");
    await settle();
    clock = 1050; // the old entry has expired; the refreshed one (read at 600) is fresh
    expect(await cache.get("h", reads.read)).toBe("new");
    expect(reads.pending).toHaveLength(2);
  });

  it("never answers from an entry older than the TTL: a revoked key stops within it", async () => {
    let clock = 0;
    const cache = createRootKeyCache<string>({ ttlMs: 1000, now: () => clock });
    const reads = manualReads<string>();
    const first = cache.get("h", reads.read);
    reads.pending[0]!.resolve("workspace-a");
    await first;

    clock = 700;
    expect(await cache.get("h", reads.read)).toBe("workspace-a"); // refresh under way
    clock = 1000; // the refresh has not answered: the caller waits for it
    const waiting = cache.get("h", reads.read);
    await settle();
    expect(reads.pending).toHaveLength(2);
    reads.pending[1]!.resolve(undefined); // revoked in the meantime
    expect(await waiting).toBeUndefined();
    const again = cache.get("h", reads.read);
    await settle();
    expect(reads.pending).toHaveLength(3); // unknown keys are not cached
    reads.pending[2]!.resolve(undefined);
    expect(await again).toBeUndefined();
  });

  it("keeps a failed background read from the caller; the request after the TTL sees the error", async () => {
    let clock = 0;
    const cache = createRootKeyCache<string>({ ttlMs: 1000, now: () => clock });
    const reads = manualReads<string>();
    const first = cache.get("h", reads.read);
    reads.pending[0]!.resolve("workspace-a");
    await first;

    clock = 800;
    expect(await cache.get("h", reads.read)).toBe("workspace-a");
    reads.pending[1]!.reject(new Error("database down"));
    await settle();
    expect(await cache.get("h", reads.read)).toBe("workspace-a"); // still inside the TTL
    clock = 1001;
    const late = cache.get("h", reads.read);
    await settle();
    reads.pending.at(-1)!.reject(new Error("database down"));
    await expect(late).rejects.toThrow("database down");
  });
});
