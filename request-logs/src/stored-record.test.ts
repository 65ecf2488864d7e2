import type { RequestLogRecord } from "@slipway/shared/gateway";
import { describe, expect, it } from "vitest";
import { capUtf8, storedCapBytes, storedHeaders, storedRecord } from "./stored-record.js";

const record: RequestLogRecord = {
  time: 1_796_000_000_123,
  requestId: "req_1",
  host: "api.example.com",
  method: "POST",
  path: "/v1/things",
  status: 201,
  totalLatencyMs: 3,
  upstreamLatencyMs: 2,
  sentinelLatencyMs: 1,
  region: "eu-1",
  outcome: "allowed",
  clientIp: "203.0.113.7",
};

describe("storedRecord", () => {
  it("caps bodies at 64 KiB of UTF-8 and says so", () => {
    const stored = storedRecord({
      ...record,
      requestBody: "é".repeat(40_000),
      requestBodyTruncated: false,
      responseBody: "{}",
      responseBodyTruncated: false,
    });
    expect(Buffer.byteLength(stored.requestBody!)).toBe(storedCapBytes);
    expect(stored.requestBody!.endsWith("é")).toBe(true);
    expect(stored.requestBodyTruncated).toBe(true);
    expect(stored).toMatchObject({ responseBody: "{}", responseBodyTruncated: false });
  });

  it("never hands PostgreSQL a NUL and keeps the time to the millisecond", () => {
    const stored = storedRecord({ ...record, requestBody: "a\u0000b", path: "/\u0000" });
    expect(stored.requestBody).toBe("a\uFFFDb");
    expect(stored.path).toBe("/\uFFFD");
    expect(stored.time).toBe("2026-11-30T00:53:20.123Z");
  });
});

describe("storedHeaders", () => {
  it("redacts credentials whatever Sentinel sent, and stops at 64 KiB", () => {
    const headers = {
      Authorization: ["Bearer sk_live_1"],
      cookie: ["s=1"],
      accept: ["*/*"],
      "x-big": ["x".repeat(storedCapBytes)],
    };
    expect(JSON.parse(storedHeaders(headers)!)).toEqual({
      authorization: ["[REDACTED]"],
      cookie: ["[REDACTED]"],
      accept: ["*/*"],
    });
  });
});

describe("capUtf8", () => {
  it("never cuts inside a character", () => {
    expect(capUtf8("aé", 2)).toEqual({ text: "a", cut: true });
    expect(capUtf8("😀", 3)).toEqual({ text: "", cut: true });
    expect(capUtf8("abc", 3)).toEqual({ text: "abc", cut: false });
  });
});
