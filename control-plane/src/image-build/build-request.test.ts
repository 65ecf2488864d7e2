import { BuildError } from "@slipway/shared";
import { describe, expect, it } from "vitest";
import { isTransientFailure, shouldRetryBuild } from "./build-request.js";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("shouldRetryBuild", () => {
  it("retries an outage: sockets, DNS, PostgreSQL connection loss, GitHub 5xx and 429", () => {
    for (const error of [
      new TypeError("fetch failed", { cause: withCode("connect ECONNREFUSED", "ECONNREFUSED") }),
      withCode("getaddrinfo EAI_AGAIN api.github.com", "EAI_AGAIN"),
      withCode("terminating connection due to administrator command", "57P01"),
      withCode("could not serialize access", "40001"),
      new Error("Connection terminated unexpectedly"),
      Object.assign(new Error("Server Error"), { status: 502 }),
      Object.assign(new Error("rate limited"), { status: 429 }),
    ]) {
      expect(isTransientFailure(error), error.message).toBe(true);
      expect(shouldRetryBuild(error, false)).toBe(true);
      expect(shouldRetryBuild(error, true)).toBe(false);
    }
  });

  it("does not retry a failure that would happen again: bugs, refused input, missing files", () => {
    for (const error of [
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      new RangeError("Invalid array length"),
      withCode("spawn E2BIG", "E2BIG"),
      withCode("ENOENT: no such file or directory", "ENOENT"),
      withCode("EISDIR: illegal operation on a directory, read", "EISDIR"),
      withCode('duplicate key value violates unique constraint "x"', "23505"),
      Object.assign(new Error("Not Found"), { status: 404 }),
      "a thrown string",
      undefined,
    ]) {
      expect(shouldRetryBuild(error, false)).toBe(false);
    }
  });

  it("follows the builder's own verdict for its errors", () => {
    expect(shouldRetryBuild(new BuildError("registry_push_failed", "x"), false)).toBe(true);
    expect(shouldRetryBuild(new BuildError("invalid_request", "x"), false)).toBe(false);
    expect(shouldRetryBuild(new BuildError("timed_out", "x"), false)).toBe(false);
  });
});
