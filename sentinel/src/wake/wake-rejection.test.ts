import { describe, expect, it } from "vitest";
import { gatewayError } from "../respond/gateway-errors.js";
import { wakeRejection } from "./wake-rejection.js";

describe("the answer to a request whose deployment did not wake", () => {
  it.each([
    ["timeout", "5", /had no ready instance within 30 s/],
    ["failed", "5", /could not be started right now/],
    ["not_idle", "1", /^The app has no ready instance\.$/],
  ] as const)("%s: 503 with Retry-After %s", (outcome, retryAfter, detail) => {
    const rejection = wakeRejection(outcome, 30_000);
    expect(gatewayError(rejection.code).status).toBe(503);
    expect(rejection.headers).toEqual({ "retry-after": retryAfter });
    expect(rejection.detail).toMatch(detail);
  });
});
