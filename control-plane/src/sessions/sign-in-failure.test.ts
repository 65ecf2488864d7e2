import { AppError } from "@slipway/shared";
import { describe, expect, it } from "vitest";
import { signInFailureReason } from "./sign-in-failure.js";

describe("signInFailureReason", () => {
  it.each([
    ["a declined authorization", new AppError("forbidden", "declined"), true, "declined"],
    ["a user of no bound installation", new AppError("forbidden", "x"), false, "not_member"],
    ["no GitHub App configured", new AppError("not_found", "x"), false, "not_configured"],
    ["a replayed state", new AppError("bad_request", "x"), false, "start_again"],
    ["a code GitHub refused", new AppError("unauthorized", "x"), false, "start_again"],
    ["a server fault", new AppError("internal", "x"), false, undefined],
    ["an unexpected throw", new Error("boom"), false, undefined],
  ])("%s", (_name, failure, declined, reason) => {
    expect(signInFailureReason(failure, declined)).toBe(reason);
  });
});
