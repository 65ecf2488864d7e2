import { describe, expect, it } from "vitest";
import { createNamespaceCache, type LoadedNamespace } from "../../src/ratelimit-namespace-cache.js";
import {
  publishNamespaceChange,
  subscribeToNamespaceChanges,
} from "../../src/ratelimit-namespace-invalidation.js";
import { compileOverrides } from "../../src/ratelimit-override.js";
import { uniqueRedisPrefix } from "../harness/database.js";
import { connectRedis } from "../harness/redis.js";

const namespace = (limit: number): LoadedNamespace => ({
  id: "rlns_1",
  workspaceId: "ws_1",
  name: "api",
  overrides: compileOverrides([{ id: "rlor_1", identifier: "user_*", limit, duration: 1000 }]),
});

describe("namespace cache invalidation by notification", () => {
  it("drops a namespace, by id and by name, on another connection's cache", async () => {
    const prefix = uniqueRedisPrefix();
    const publisher = connectRedis();
    const subscriber = connectRedis();
    const cache = createNamespaceCache();
    const subscription = await subscribeToNamespaceChanges(subscriber, prefix, cache);
    let stored = namespace(5);
    const load = async () => stored;
    expect((await cache.get("ws_1", "api", load))?.overrides.wildcards[0]?.rule.limit).toBe(5);
    expect((await cache.get("ws_1", "rlns_1", load))?.overrides.wildcards[0]?.rule.limit).toBe(5);
    stored = namespace(0);
    // Still cached: nothing was announced.
    expect((await cache.get("ws_1", "api", load))?.overrides.wildcards[0]?.rule.limit).toBe(5);

    await publishNamespaceChange(publisher, prefix, "rlns_1");
    for (let attempt = 0; attempt < 200; attempt++) {
      const seen = await cache.get("ws_1", "api", load);
      if (seen?.overrides.wildcards[0]?.rule.limit === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await cache.get("ws_1", "api", load))?.overrides.wildcards[0]?.rule.limit).toBe(0);
    expect((await cache.get("ws_1", "rlns_1", load))?.overrides.wildcards[0]?.rule.limit).toBe(0);
    await subscription.close();
  });

  it("never stores a load that raced a change, and never caches an unknown namespace", async () => {
    const cache = createNamespaceCache();
    let release: (value: LoadedNamespace) => void = () => {};
    const pending = cache.get(
      "ws_1",
      "api",
      () => new Promise<LoadedNamespace>((resolve) => (release = resolve)),
    );
    cache.invalidateNamespace("rlns_1");
    release(namespace(5));
    expect((await pending)?.overrides.wildcards[0]?.rule.limit).toBe(5);
    expect(
      (await cache.get("ws_1", "api", async () => namespace(7)))?.overrides.wildcards[0]?.rule
        .limit,
    ).toBe(7);

    let loads = 0;
    const missing = async () => {
      loads++;
      return undefined;
    };
    await cache.get("ws_1", "nothing", missing);
    await cache.get("ws_1", "nothing", missing);
    expect(loads).toBe(2);
  });
});
