import { describe, expect, it } from "vitest";
import { ratelimitPolicyKey } from "./redis-rate-limiter.js";

const request = { namespace: "env_1:abc", limit: 5, windowMs: 1000, cost: 1 };

describe("ratelimitPolicyKey", () => {
  it("keys a counter by the policy's namespace and the identifier", () => {
    expect(ratelimitPolicyKey("slipway:", { ...request, identifier: '["1.2.3.4"]' })).toBe(
      'slipway:gateway:rl:env_1:abc:["1.2.3.4"]',
    );
  });

  it("bounds a long client-chosen identifier by hashing it, distinct values stay distinct", () => {
    const long = (c: string) =>
      ratelimitPolicyKey("p:", { ...request, identifier: c.repeat(10_000) });
    expect(long("a").length).toBeLessThan(100);
    expect(long("a")).not.toBe(long("b"));
    expect(long("a")).toBe(long("a"));
  });
});
