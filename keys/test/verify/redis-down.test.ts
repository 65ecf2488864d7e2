import { findFreePort } from "@slipway/shared/free-ports";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyStore } from "../../src/key-store.js";
import { createKeyVerifier } from "../../src/key-verifier.js";
import { compileOverrides } from "../../src/ratelimit-override.js";
import { limitInNamespaces } from "../../src/redis/namespace-limit.js";
import { createRatelimiter } from "../../src/redis/ratelimiter.js";
import { createTestDatabase, type TestDatabase } from "../harness/database.js";
import { createKeyspaceFixture } from "../harness/fixtures.js";

describe("verify while Redis is down", () => {
  let database: TestDatabase;
  let fixture: Awaited<ReturnType<typeof createKeyspaceFixture>>;
  let down: Redis;

  beforeAll(async () => {
    database = await createTestDatabase();
    fixture = await createKeyspaceFixture(database);
    down = new Redis(await findFreePort(), "127.0.0.1", {
      enableOfflineQueue: false,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    // The refused connection is the point of the test, not an error to print.
    down.on("error", () => {});
  });
  afterAll(() => down.disconnect());

  const keyWithCounters = () =>
    fixture.createKey({
      credits: { remaining: 5 },
      ratelimits: [{ name: "requests", limit: 5, duration: 60_000, autoApply: true }],
    });

  it("fails open by default: valid, without a credit figure, and counted", async () => {
    const { key } = await keyWithCounters();
    const verifier = createKeyVerifier({
      store: createKeyStore(database.db),
      redis: down,
      redisPrefix: "down:",
    });
    const result = await verifier.verify({ workspaceId: fixture.workspaceId, key });
    expect(result).toMatchObject({ valid: true, code: "VALID" });
    expect(result.credits).toBeUndefined();
    expect(verifier.failures.ratelimits.failedOpen).toBe(1);
    expect(verifier.failures.credits.failedOpen).toBe(1);
  });

  it("fails closed when configured: rate limited first, and counted", async () => {
    const { key } = await keyWithCounters();
    const verifier = createKeyVerifier({
      store: createKeyStore(database.db),
      redis: down,
      redisPrefix: "down:",
      whenRedisFails: "closed",
    });
    const result = await verifier.verify({ workspaceId: fixture.workspaceId, key });
    expect(result).toMatchObject({ valid: false, code: "RATE_LIMITED" });
    expect(verifier.failures.ratelimits.failedClosed).toBe(1);
    // A key with credits only: its spend fails closed as USAGE_EXCEEDED.
    const creditsOnly = await fixture.createKey({ credits: { remaining: 5 } });
    const spent = await verifier.verify({ workspaceId: fixture.workspaceId, key: creditsOnly.key });
    expect(spent).toMatchObject({ valid: false, code: "USAGE_EXCEEDED" });
    expect(verifier.failures.credits.failedClosed).toBe(1);
  });

  it("ratelimit.limit answers by policy, says so and tells the logger, either way", async () => {
    for (const policy of ["open", "closed"] as const) {
      const told: string[] = [];
      const ratelimiter = createRatelimiter({
        redis: down,
        whenRedisFails: policy,
        onRedisFailure: (_error, answer) => told.push(answer),
      });
      const outcome = await limitInNamespaces(ratelimiter, "down:", [
        {
          namespaceId: "rlns_1",
          identifier: "u",
          limit: 5,
          duration: 60_000,
          overrides: compileOverrides([]),
        },
      ]);
      expect(outcome.passed).toBe(policy === "open");
      expect(outcome.answeredWithoutRedis).toBe(true);
      expect(outcome.results[0]).toMatchObject({ success: policy === "open", limit: 5 });
      expect(told).toEqual([policy]);
      expect(ratelimiter.failures[policy === "open" ? "failedOpen" : "failedClosed"]).toBe(1);
    }
  });
});
