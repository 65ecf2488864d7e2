import { describe, expect, it } from "vitest";
import { ratelimitStateOf } from "./keys-verifier-adapter.js";

const limit = (name: string, remaining: number, exceeded = false) => ({
  id: `rl_${name}`,
  name,
  limit: 10,
  duration: 60_000,
  autoApply: true,
  exceeded,
  remaining,
  reset: 1_000 + remaining,
});

describe("ratelimitStateOf", () => {
  it("shows nothing without ratelimits", () => {
    expect(ratelimitStateOf({ valid: true, code: "VALID" })).toBeUndefined();
  });
  it("shows the limit that refused the request", () => {
    const answer = {
      valid: false,
      code: "RATE_LIMITED" as const,
      ratelimits: [limit("a", 0), limit("b", 3, true)],
    };
    expect(ratelimitStateOf(answer)).toEqual({ limit: 10, remaining: 3, reset: 1003 });
  });
  it("otherwise the tightest one", () => {
    const answer = {
      valid: true,
      code: "VALID" as const,
      ratelimits: [limit("a", 7), limit("b", 2), limit("c", 5)],
    };
    expect(ratelimitStateOf(answer)).toEqual({ limit: 10, remaining: 2, reset: 1002 });
  });
});
