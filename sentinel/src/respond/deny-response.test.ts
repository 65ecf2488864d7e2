import { describe, expect, it } from "vitest";
import { denyResponse, prefersHtml } from "./deny-response.js";

describe("prefersHtml", () => {
  const cases: [string | undefined, boolean][] = [
    [undefined, false],
    ["*/*", false],
    ["application/json", false],
    ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true],
    ["application/json, text/html", false],
    ["text/html;q=0.5, application/json;q=0.9", false],
    ["text/html, application/json;q=0.9", true],
  ];
  it.each(cases)("%s → %s", (accept, expected) => expect(prefersHtml(accept)).toBe(expected));
});

describe("denyResponse", () => {
  it("answers in the API's envelope", () => {
    const response = denyResponse("forbidden", "Blocked by policy fw.", "req_1", undefined);
    expect(response.status).toBe(403);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(response.body)).toEqual({
      meta: { requestId: "req_1" },
      error: {
        title: "Forbidden",
        detail: "Blocked by policy fw.",
        status: 403,
        type: "https://slipway.dev/docs/errors/authorization/forbidden",
      },
    });
  });
  it("answers a browser with an escaped HTML page", () => {
    const response = denyResponse("too_many_requests", "<script>", "req_2", "text/html", {
      "retry-after": "3",
    });
    expect(response.status).toBe(429);
    expect(response.headers).toMatchObject({
      "content-type": "text/html; charset=utf-8",
      "retry-after": "3",
    });
    expect(response.body).toContain("429 Too Many Requests");
    expect(response.body).not.toContain("<script>");
  });
  it("has proxy-only codes", () => {
    expect(denyResponse("loop_detected", "x", "r", undefined).status).toBe(508);
    expect(JSON.parse(denyResponse("bad_gateway", "x", "r", undefined).body).error.type).toBe(
      "https://slipway.dev/docs/errors/gateway/bad_gateway",
    );
  });
});
