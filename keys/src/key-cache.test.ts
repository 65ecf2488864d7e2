import { describe, expect, it } from "vitest";
import { createKeyCache } from "./key-cache.js";
import type { LoadedKey } from "./verify-types.js";

/** Loads the test answers by hand, counting how often the cache asked. */
function manualLoads() {
  const pending: Array<(key: LoadedKey | undefined) => void> = [];
  return {
    pending,
    load: () =>
      new Promise<LoadedKey | undefined>((resolve) => {
        pending.push(resolve);
      }),
  };
}

const keyNamed = (name: string) => ({ id: "key_1", workspaceId: "ws_1", name }) as LoadedKey;
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("key cache", () => {
  it("refreshes a key in use before its TTL while answering from the cache", async () => {
    let clock = 0;
    const cache = createKeyCache({ ttlMs: 10_000, now: () => clock });
    const loads = manualLoads();
    const first = cache.get("h", loads.load);
    loads.pending[0]!(keyNamed("v1"));
    expect((await first)?.name).toBe("v1");

    clock = 8_500; // past 80 % of the TTL
    expect((await cache.get("h", loads.load))?.name).toBe("v1");
    expect((await cache.get("h", loads.load))?.name).toBe("v1");
    expect(loads.pending).toHaveLength(2); // one background load, shared
    loads.pending[1]!(keyNamed("v2"));
    await settle();
    clock = 12_000; // the first entry would have expired here; the refreshed one has not
    expect((await cache.get("h", loads.load))?.name).toBe("v2");
    expect(loads.pending).toHaveLength(2);
  });

  it("does not store a background refresh that a change overtook", async () => {
    let clock = 0;
    const cache = createKeyCache({ ttlMs: 10_000, now: () => clock });
    const loads = manualLoads();
    const first = cache.get("h", loads.load);
    loads.pending[0]!(keyNamed("before"));
    await first;

    clock = 9_000;
    expect((await cache.get("h", loads.load))?.name).toBe("before"); // refresh starts
    cache.invalidateHash("h"); // the key changed while the refresh read the old row
    const next = cache.get("h", loads.load);
    await settle();
    expect(loads.pending).toHaveLength(3);
    loads.pending[1]!(keyNamed("stale")); // the overtaken refresh answers last-but-one
    loads.pending[2]!(keyNamed("after"));
    expect((await next)?.name).toBe("after");
    expect((await cache.get("h", loads.load))?.name).toBe("after");
    expect(loads.pending).toHaveLength(3);
  });
});
