import { findFreePort } from "@slipway/shared/free-ports";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createRatelimiter } from "../../src/redis/ratelimiter.js";
import { checkWindows } from "../../src/redis/sliding-window.js";
import { uniqueRedisPrefix } from "../harness/database.js";
import { connectRedis } from "../harness/redis.js";

describe("sliding-window ratelimits in Redis", () => {
  const redis = connectRedis();
  const prefix = uniqueRedisPrefix();
  let counter = 0;
  const windowKey = () => `${prefix}window-${counter++}`;

  it("admits exactly L of 10×L concurrent requests", async () => {
    const limiter = createRatelimiter({ redis });
    for (const limit of [1, 7, 50]) {
      const key = windowKey();
      const outcomes = await Promise.all(
        Array.from({ length: 10 * limit }, () => limiter.check([{ key, limit, duration: 60_000 }])),
      );
      expect(outcomes.filter((outcome) => outcome.passed)).toHaveLength(limit);
      const remaining = outcomes.filter((o) => o.passed).map((o) => o.results[0]!.remaining);
      expect(remaining.sort((a, b) => a - b)).toEqual(Array.from({ length: limit }, (_, i) => i));
    }
  });

  it("slides: a request leaves the window exactly `duration` after it was admitted", async () => {
    const key = windowKey();
    const at = (now: number, cost = 1) =>
      checkWindows(redis, [{ key, limit: 3, duration: 1000, cost }], now);
    expect((await at(10_000, 2)).passed).toBe(true);
    expect((await at(10_500)).passed).toBe(true);
    const full = await at(10_999);
    expect(full.passed).toBe(false);
    expect(full.results[0]).toMatchObject({ remaining: 0, reset: 11_000 });
    // At 11 000 the first request (cost 2) has left; the one at 10 500 is still in.
    const after = await at(11_000, 2);
    expect(after.passed).toBe(true);
    expect(after.results[0]).toMatchObject({ remaining: 0, reset: 11_500 });
    expect((await at(11_499)).passed).toBe(false);
    expect((await at(11_500)).passed).toBe(true);
  });

  it("cost 0 consumes nothing, and limit 0 blocks everything", async () => {
    const key = windowKey();
    const zero = await checkWindows(redis, [{ key, limit: 2, duration: 1000, cost: 0 }], 1000);
    expect(zero.results[0]).toMatchObject({ success: true, remaining: 2 });
    expect(await redis.exists(`${key}:entries`)).toBe(0);
    await checkWindows(redis, [{ key, limit: 2, duration: 1000, cost: 2 }], 1000);
    // Exhausted: even a cost-0 peek says so.
    expect(
      (await checkWindows(redis, [{ key, limit: 2, duration: 1000, cost: 0 }], 1001)).passed,
    ).toBe(false);
    for (const cost of [0, 1]) {
      const blocked = await checkWindows(redis, [
        { key: windowKey(), limit: 0, duration: 1000, cost },
      ]);
      expect(blocked.results[0]).toMatchObject({ success: false, remaining: 0 });
    }
  });

  it("multi-limit is all or nothing: a failing check rolls back the others", async () => {
    const open = windowKey();
    const tight = windowKey();
    await checkWindows(redis, [{ key: tight, limit: 1, duration: 60_000 }]);
    const outcome = await checkWindows(redis, [
      { key: open, limit: 10, duration: 60_000, cost: 3 },
      { key: tight, limit: 1, duration: 60_000 },
    ]);
    expect(outcome.passed).toBe(false);
    expect(outcome.results.map((result) => result.success)).toEqual([true, false]);
    expect(outcome.results[0]!.remaining).toBe(10);
    // Nothing was taken from the passing limit.
    const check = await checkWindows(redis, [{ key: open, limit: 10, duration: 60_000, cost: 0 }]);
    expect(check.results[0]!.remaining).toBe(10);
    // The same window twice in one call counts both costs.
    const twice = await checkWindows(redis, [
      { key: open, limit: 10, duration: 60_000, cost: 6 },
      { key: open, limit: 10, duration: 60_000, cost: 6 },
    ]);
    expect(twice.passed).toBe(false);
    expect(
      (await checkWindows(redis, [{ key: open, limit: 10, duration: 60_000, cost: 0 }])).results[0]!
        .remaining,
    ).toBe(10);
  });

  it("multi-limit under concurrency: 10×L requests over two limits admit exactly L", async () => {
    const limiter = createRatelimiter({ redis });
    const perUser = windowKey();
    const global = windowKey();
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, () =>
        limiter.check([
          { key: perUser, limit: 1000, duration: 60_000 },
          { key: global, limit: 10, duration: 60_000 },
        ]),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.passed)).toHaveLength(10);
    const left = await limiter.check([{ key: perUser, limit: 1000, duration: 60_000, cost: 0 }]);
    expect(left.results[0]!.remaining).toBe(990);
  });

  it("fails open by default and closed when configured, counting each", async () => {
    const deadPort = await findFreePort();
    const down = new Redis(deadPort, "127.0.0.1", {
      enableOfflineQueue: false,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    // The refused connection is the point of the test, not an error to print.
    down.on("error", () => {});
    try {
      const open = createRatelimiter({ redis: down });
      const closed = createRatelimiter({ redis: down, whenRedisFails: "closed" });
      const check = [{ key: windowKey(), limit: 5, duration: 1000 }];
      expect((await open.check(check)).passed).toBe(true);
      expect((await open.check(check)).results[0]).toMatchObject({ success: true, remaining: 4 });
      expect((await closed.check(check)).passed).toBe(false);
      expect(open.failures).toMatchObject({ failedOpen: 2, failedClosed: 0 });
      expect(closed.failures).toMatchObject({ failedOpen: 0, failedClosed: 1 });
    } finally {
      down.disconnect();
    }
  });

  it("refuses bad input before touching Redis", async () => {
    const limiter = createRatelimiter({ redis });
    await expect(limiter.check([{ key: "k", limit: -1, duration: 1000 }])).rejects.toThrow(/limit/);
    await expect(limiter.check([{ key: "k", limit: 1, duration: 999 }])).rejects.toThrow(
      /duration/,
    );
    await expect(limiter.check([{ key: "k", limit: 1, duration: 2_592_000_001 }])).rejects.toThrow(
      /duration/,
    );
    await expect(
      limiter.check([{ key: "k", limit: 1, duration: 1000, cost: 1.5 }]),
    ).rejects.toThrow(/cost/);
  });
});
