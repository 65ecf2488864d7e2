import { describe, expect, it } from "vitest";
import { compileOverrides } from "../../src/ratelimit-override.js";
import { limitInNamespaces } from "../../src/redis/namespace-limit.js";
import { createRatelimiter } from "../../src/redis/ratelimiter.js";
import { uniqueRedisPrefix } from "../harness/database.js";
import { connectRedis } from "../harness/redis.js";

describe("ratelimit.limit with overrides", () => {
  const redis = connectRedis();
  const ratelimiter = createRatelimiter({ redis });
  const overrides = compileOverrides([
    { id: "rlor_any_user", identifier: "user_*", limit: 2, duration: 60_000 },
    { id: "rlor_acme_users", identifier: "user_*@acme.com", limit: 3, duration: 60_000 },
    { id: "rlor_blocked", identifier: "user_9@acme.com", limit: 0, duration: 60_000 },
  ]);

  const limitOnce = (prefix: string, identifier: string) =>
    limitInNamespaces(ratelimiter, prefix, [
      { namespaceId: "rlns_api", identifier, limit: 10, duration: 60_000, overrides },
    ]);

  it.each([
    ["user_9@acme.com", "rlor_blocked", 0],
    ["user_1@acme.com", "rlor_acme_users", 3],
    ["user_1@other.com", "rlor_any_user", 2],
    ["team_1", undefined, 10],
  ])("%s is limited by %s to %i", async (identifier, overrideId, admitted) => {
    const prefix = uniqueRedisPrefix();
    const results = [];
    for (let i = 0; i < 12; i++) results.push((await limitOnce(prefix, identifier)).results[0]!);
    expect(results.filter((result) => result.success)).toHaveLength(admitted);
    expect(results[0]!.overrideId).toBe(overrideId);
    expect(results[0]!.limit).toBe(admitted);
  });

  it("multiLimit: one failing check rolls back the others", async () => {
    const prefix = uniqueRedisPrefix();
    const outcome = await limitInNamespaces(ratelimiter, prefix, [
      {
        namespaceId: "rlns_api",
        identifier: "team_1",
        limit: 10,
        duration: 60_000,
        overrides,
        cost: 4,
      },
      {
        namespaceId: "rlns_api",
        identifier: "user_9@acme.com",
        limit: 10,
        duration: 60_000,
        overrides,
      },
    ]);
    expect(outcome.passed).toBe(false);
    expect(outcome.results.map((result) => result.success)).toEqual([true, false]);
    const after = await limitOnce(prefix, "team_1");
    expect(after.results[0]!.remaining).toBe(9);
  });
});
